package dev.toygres.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Stable action names and targets for every state-changing route, and a fallback for the rest. */
class AuditActionsTest {

  @ParameterizedTest(name = "{0} {1} -> {2} {3}")
  @CsvSource(
      nullValues = "-",
      value = {
        "POST,   /api/instances,                        instance.create,      -",
        "DELETE, /api/instances/db1,                    instance.delete,      db1",
        "POST,   /api/instances/db1/stop,               instance.stop,        db1",
        "POST,   /api/instances/db1/start,              instance.start,       db1",
        "POST,   /api/instances/db1/restart,            instance.restart,     db1",
        "POST,   /api/instances/db1/password,           instance.password,    db1",
        "POST,   /api/instances/db1/actor/start,        actor.start,          db1",
        "POST,   /api/instances/db1/actor/restart,      actor.restart,        db1",
        "POST,   /api/instances/db1/actor/cancel,       actor.cancel,         db1",
        "POST,   /api/actors/recover,                   actors.recover,       -",
        "POST,   /api/instances/db1/backups,            backup.create,        db1",
        "PUT,    /api/instances/db1/backup-policy,      backup.policy,        db1",
        "DELETE, /api/backups/backup-db1-x-1234abcd,    backup.delete,        backup-db1-x-1234abcd",
        "POST,   /api/orchestrations/create-db1/cancel, orchestration.cancel, create-db1",
        "POST,   /api/orchestrations/a%20b/events,      orchestration.raise,  a b",
        "POST,   /api/tokens,                           token.create,         -",
        "DELETE, /api/tokens/ci-bot,                    token.revoke,         ci-bot",
        "POST,   /ui/login,                             ui.login,             -",
        "POST,   /ui/logout,                            ui.logout,            -",
        "POST,   /api/instances/db1/stop/,              instance.stop,        db1",
        "PUT,    /api/instances,                        PUT /api/instances,   -",
        "POST,   /api/instances/db1/explode,            POST /api/instances/db1/explode, -",
        "DELETE, /api/orchestrations/x,                 DELETE /api/orchestrations/x, -",
        "POST,   /api/nothing,                          POST /api/nothing,    -",
      })
  void routesMapToStableActionsAndTargets(
      String method, String path, String action, String target) {
    AuditActions.Action a = AuditActions.of(method, path);
    assertThat(a.name()).isEqualTo(action);
    assertThat(a.target()).isEqualTo(target);
  }

  @org.junit.jupiter.api.Test
  void veryLongUnknownPathsAreCut() {
    String path = "/api/" + "x".repeat(500);
    assertThat(AuditActions.of("POST", path).name())
        .hasSize("POST ".length() + AuditActions.MAX_PATH + 3)
        .endsWith("...");
  }
}

package dev.toygres.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.access.Caller;
import dev.toygres.controlplane.access.Role;
import dev.toygres.controlplane.actor.Diagnosis;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceRecords;
import dev.toygres.controlplane.cms.InstanceState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** allowed_actions: the state's rules, then the caller's role, per the route of each action. */
class AllowedActionsTest {

  private static Finding actor(InstanceRecord r, String status, Diagnosis d) {
    return new Finding(
        r.id(),
        r.userName(),
        r.k8sName(),
        r.state().dbName(),
        r.actorId(),
        status,
        null,
        null,
        d,
        "test");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"admin", "operator"})
  void aRoleThatWritesGetsWhatTheStateAllows(String role) {
    InstanceRecord r = InstanceRecords.web(InstanceState.RUNNING);
    Caller caller = new Caller("t", Role.parse(role), false);

    assertThat(AllowedActions.of(caller, r, actor(r, "running", Diagnosis.STALE)))
        .containsExactly(
            "stop",
            "restart",
            "delete",
            "password",
            "scale",
            "actor.restart",
            "actor.cancel",
            "actor.recover");
  }

  @Test
  void aRunningInstanceWithAStandbyMaySwitchOver() {
    InstanceRecord r = InstanceRecords.web(InstanceState.RUNNING).withReplicas(1);
    Caller operator = new Caller("o", Role.OPERATOR, false);

    assertThat(AllowedActions.of(operator, r, actor(r, "running", Diagnosis.HEALTHY)))
        .contains("scale", "switchover");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"STOPPED", "FAILED"})
  void anInstanceThatDoesNotRunMayNeitherScaleNorSwitchOver(InstanceState state) {
    InstanceRecord r = InstanceRecords.web(state).withReplicas(1);
    Caller admin = new Caller("a", Role.ADMIN, false);

    assertThat(AllowedActions.of(admin, r, actor(r, "running", Diagnosis.HEALTHY)))
        .doesNotContain("scale", "switchover");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"RUNNING", "STOPPED", "FAILED"})
  void aViewerIsAllowedNothing(InstanceState state) {
    InstanceRecord r = InstanceRecords.web(state).withReplicas(2);
    Caller viewer = new Caller("v", Role.VIEWER, false);

    assertThat(AllowedActions.of(viewer, r, actor(r, "completed", Diagnosis.DEAD))).isEmpty();
  }
}

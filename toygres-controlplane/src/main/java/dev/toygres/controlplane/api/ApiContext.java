package dev.toygres.controlplane.api;

import dev.toygres.controlplane.access.ApiUsers;
import dev.toygres.controlplane.actor.ActorOperations;
import dev.toygres.controlplane.actor.DoctorOperations;
import dev.toygres.controlplane.actor.RecoveryOperations;
import dev.toygres.controlplane.backup.BackupOperations;
import dev.toygres.controlplane.cms.AuditLog;
import dev.toygres.controlplane.cms.UiSessions;
import dev.toygres.controlplane.instance.InstanceOperations;
import dev.toygres.engine.client.DurableClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the HTTP API serves from: the services it calls (instances; actors, the doctor and recovery,
 * each through the interface its service implements), the engine client for the orchestration
 * routes, the API users whose tokens every {@code /api/*} request must carry, the process's metrics
 * registry (shown at {@code /metrics}, and where the API records its own meters), the server's
 * health as last observed ({@code /health}; it must answer at once, never waiting on the database,
 * and while it says the metadata database is unreachable {@code /api} requests fail at once with
 * 503), the web console's sessions (null: no console login), the intervals the console shows its
 * ages against (null: not known), the audit log every state-changing request is written to (null:
 * none kept), and the backup operations (null: no backup routes).
 */
public record ApiContext(
    InstanceOperations instances,
    ActorOperations actors,
    DoctorOperations doctor,
    RecoveryOperations recovery,
    DurableClient engine,
    ApiUsers users,
    PrometheusMeterRegistry metrics,
    Supplier<HealthReport> health,
    UiSessions sessions,
    Intervals intervals,
    AuditLog audit,
    BackupOperations backups) {

  /**
   * The health interval and the stale threshold the server runs with, for {@code GET /ui/config}.
   */
  public record Intervals(Duration healthInterval, Duration staleAfter) {
    public Intervals {
      Objects.requireNonNull(healthInterval, "healthInterval");
      Objects.requireNonNull(staleAfter, "staleAfter");
    }
  }

  /** A context without the backup routes. */
  public ApiContext(
      InstanceOperations instances,
      ActorOperations actors,
      DoctorOperations doctor,
      RecoveryOperations recovery,
      DurableClient engine,
      ApiUsers users,
      PrometheusMeterRegistry metrics,
      Supplier<HealthReport> health,
      UiSessions sessions,
      Intervals intervals,
      AuditLog audit) {
    this(
        instances, actors, doctor, recovery, engine, users, metrics, health, sessions, intervals,
        audit, null);
  }

  public ApiContext {
    Objects.requireNonNull(instances, "instances");
    Objects.requireNonNull(actors, "actors");
    Objects.requireNonNull(doctor, "doctor");
    Objects.requireNonNull(recovery, "recovery");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(users, "users");
  }

  /**
   * A context without the web console's sessions or an audit log, whose only user is the built-in
   * admin token (API only), and whose health is the flag {@code ready} alone (no components).
   */
  public ApiContext(
      InstanceOperations instances,
      ActorOperations actors,
      DoctorOperations doctor,
      RecoveryOperations recovery,
      DurableClient engine,
      String adminToken,
      PrometheusMeterRegistry metrics,
      BooleanSupplier ready) {
    this(
        instances,
        actors,
        doctor,
        recovery,
        engine,
        new ApiUsers(adminToken, null),
        metrics,
        () -> HealthReport.fromFlag(ready),
        null,
        null,
        null,
        null);
  }

  @Override
  public String toString() {
    return "ApiContext[token ****]";
  }
}

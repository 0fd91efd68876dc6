package dev.toygres.controlplane.api;

import dev.toygres.controlplane.actor.ActorRecovery;
import dev.toygres.controlplane.actor.Diagnosis;
import dev.toygres.controlplane.actor.DoctorOperations;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.actor.Initiator;
import dev.toygres.controlplane.actor.RecoveryOperations;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/actors}: the doctor's table, recovery, and the control plane's own singletons ({@code
 * GET /api/actors/singletons}).
 */
final class DoctorHandlers {
  private final DoctorOperations doctor;
  private final RecoveryOperations recovery;

  DoctorHandlers(DoctorOperations doctor, RecoveryOperations recovery) {
    this.doctor = doctor;
    this.recovery = recovery;
  }

  /** One row of the doctor's table. */
  record FindingView(
      String instanceName,
      String k8sName,
      String state,
      String actorId,
      String actorStatus,
      Instant lastHealthCheck,
      Instant actorProgressAt,
      String diagnosis,
      String reason) {
    static FindingView of(Finding f) {
      return new FindingView(
          f.instanceName(),
          f.k8sName(),
          f.state(),
          f.actorId(),
          f.actorStatus(),
          f.lastHealthCheck(),
          f.actorProgressAt(),
          f.diagnosis().label(),
          f.reason());
    }
  }

  /** Body of {@code POST /api/actors/recover}; both fields optional. */
  record RecoverBody(List<String> diagnoses, Boolean dryRun) {}

  record RecoverResponse(boolean dryRun, List<ActorRecovery.Result> results) {}

  void list(Context ctx) {
    Set<Diagnosis> wanted = parse(ctx.queryParam("diagnosis"));
    ctx.json(doctor.diagnose().only(wanted).stream().map(FindingView::of).toList());
  }

  /** The supervisor and the pruner: status, last progress and age (database clock), healthy. */
  void singletons(Context ctx) {
    ctx.json(doctor.diagnose().singletons());
  }

  void recover(Context ctx) {
    RecoverBody b = RequestBodies.readOptional(ctx, RecoverBody.class, new RecoverBody(null, null));
    Set<Diagnosis> wanted =
        b.diagnoses() == null || b.diagnoses().isEmpty()
            ? EnumSet.copyOf(Diagnosis.REPAIRABLE)
            : parse(String.join(",", b.diagnoses()));
    boolean dryRun = Boolean.TRUE.equals(b.dryRun());
    Initiator by = Initiator.token(BearerAuth.caller(ctx).name());
    ctx.json(new RecoverResponse(dryRun, recovery.recover(wanted, dryRun, by)));
  }

  private static Set<Diagnosis> parse(String text) {
    return Diagnosis.parseList(text);
  }
}

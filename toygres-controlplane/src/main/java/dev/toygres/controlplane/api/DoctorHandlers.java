package dev.toygres.controlplane.api;

import dev.toygres.controlplane.actor.ActorOperations;
import dev.toygres.controlplane.actor.ActorRecovery;
import dev.toygres.controlplane.actor.Diagnosis;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** {@code /api/actors}: the doctor's table, and recovery. */
final class DoctorHandlers {
  private final ActorOperations actors;

  DoctorHandlers(ActorOperations actors) {
    this.actors = actors;
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
    ctx.json(actors.doctor().only(wanted).stream().map(FindingView::of).toList());
  }

  void recover(Context ctx) {
    RecoverBody b = RequestBodies.readOptional(ctx, RecoverBody.class, new RecoverBody(null, null));
    Set<Diagnosis> wanted =
        b.diagnoses() == null || b.diagnoses().isEmpty()
            ? EnumSet.copyOf(Diagnosis.REPAIRABLE)
            : parse(String.join(",", b.diagnoses()));
    boolean dryRun = Boolean.TRUE.equals(b.dryRun());
    ctx.json(
        new RecoverResponse(dryRun, actors.recover(wanted, dryRun, BearerAuth.caller(ctx).name())));
  }

  private static Set<Diagnosis> parse(String text) {
    return Diagnosis.parseList(text);
  }
}

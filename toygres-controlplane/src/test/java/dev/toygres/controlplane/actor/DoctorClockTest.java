package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One clock: a timestamp after the doctor's "now" (the database's clock stepped back, or a writer's
 * clock ahead) is reported as lying in the future and never counts as fresh, for instance actors
 * and for the control plane's own singletons alike.
 */
class DoctorClockTest {
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final String ACTOR = "actor-web-a1b2c3-0badcafe";
  private final ActorDoctor doctor = new ActorDoctor(null, null, Duration.ofMinutes(5), () -> NOW);

  private static InstanceRecord running(Instant lastCheck) {
    Instant hourAgo = NOW.minusSeconds(3600);
    return new InstanceRecord(
        UUID.fromString("11111111-2222-3333-4444-555555555555"),
        "web",
        "web-a1b2c3",
        "default",
        "18",
        10,
        InstanceState.RUNNING,
        HealthStatus.HEALTHY,
        lastCheck,
        0,
        true,
        "create-web-a1b2c3",
        null,
        ACTOR,
        "local",
        "127.0.0.1",
        5432,
        "postgres",
        new InstanceRecord.Access(1, "/tmp/toygres-x/web", null, "sealed", "sealed"),
        "/tmp/web",
        42L,
        NOW.minusSeconds(7200),
        hourAgo,
        hourAgo,
        null,
        null,
        "{}");
  }

  private static InstanceInfo actor(String id, OrchestrationStatus status, Instant progress) {
    return actor(id, status, progress, NOW.minusSeconds(3600));
  }

  private static InstanceInfo actor(
      String id, OrchestrationStatus status, Instant progress, Instant created) {
    return new InstanceInfo(
        id,
        InstanceActor.NAME,
        "1.0.0",
        status,
        3,
        created,
        progress,
        status.isTerminal() ? progress : null,
        null,
        null,
        null,
        null);
  }

  @Test
  void aHealthCheckInTheFutureIsStaleAndSaysTheClocksDisagree() {
    Finding f =
        doctor.diagnose(
            running(NOW.plusSeconds(42)),
            actor(ACTOR, OrchestrationStatus.RUNNING, NOW.minusSeconds(2)),
            NOW);

    assertThat(f.diagnosis()).isEqualTo(Diagnosis.STALE);
    assertThat(f.reason()).startsWith("last health check is 42s in the future: clocks disagree");
  }

  @Test
  void anActorStartedOnTheCurrentClockAfterAFutureCheckIsGivenItsFirstCheckNotRepairedAgain() {
    Finding f =
        doctor.diagnose(
            running(NOW.plusSeconds(3600)),
            actor(ACTOR, OrchestrationStatus.RUNNING, NOW.minusSeconds(3), NOW.minusSeconds(5)),
            NOW);

    assertThat(f.diagnosis()).isEqualTo(Diagnosis.HEALTHY);
    assertThat(f.reason())
        .startsWith("last health check is 1h in the future: clocks disagree; actor " + ACTOR)
        .contains("has not recorded a check yet");
  }

  @Test
  void anActorWhoseProgressLiesInTheFutureIsNotHealthy() {
    Finding f =
        doctor.diagnose(
            running(NOW.minusSeconds(5)),
            actor(ACTOR, OrchestrationStatus.RUNNING, NOW.plusSeconds(90)),
            NOW);

    assertThat(f.diagnosis()).isNotEqualTo(Diagnosis.HEALTHY);
    assertThat(f.reason()).contains("is 1m30s in the future: clocks disagree");
  }

  @Test
  void aSingletonWhoseProgressLiesInTheFutureHasANegativeAgeAndIsNotHealthy() {
    WatchedSingleton w =
        new WatchedSingleton("actor-supervisor", "toygres-actor-supervisor", Duration.ofMinutes(2));

    DoctorReport.Singleton s =
        ActorDoctor.singleton(
            w, actor(w.orchestrationId(), OrchestrationStatus.RUNNING, NOW.plusSeconds(42)), NOW);

    assertThat(s.ageSeconds()).isEqualTo(-42.0);
    assertThat(s.healthy()).isFalse();
    assertThat(s.reason()).contains("is 42s in the future: clocks disagree");
  }

  @Test
  void aSingletonIsHealthyOnlyWhenRunningAndRecentlyAdvanced() {
    WatchedSingleton w = new WatchedSingleton("pruner", "toygres-pruner", Duration.ofMinutes(20));

    assertThat(
            ActorDoctor.singleton(
                    w,
                    actor(w.orchestrationId(), OrchestrationStatus.RUNNING, NOW.minusSeconds(60)),
                    NOW)
                .healthy())
        .isTrue();
    DoctorReport.Singleton quiet =
        ActorDoctor.singleton(
            w,
            actor(w.orchestrationId(), OrchestrationStatus.RUNNING, NOW.minusSeconds(3600)),
            NOW);
    assertThat(quiet.healthy()).isFalse();
    assertThat(quiet.reason()).contains("expected within 20m");
    DoctorReport.Singleton cancelled =
        ActorDoctor.singleton(
            w, actor(w.orchestrationId(), OrchestrationStatus.CANCELLED, NOW.minusSeconds(5)), NOW);
    assertThat(cancelled.healthy()).isFalse();
    assertThat(cancelled.status()).isEqualTo("cancelled");
    DoctorReport.Singleton missing = ActorDoctor.singleton(w, null, NOW);
    assertThat(missing.status()).isEqualTo("missing");
    assertThat(missing.healthy()).isFalse();
  }
}

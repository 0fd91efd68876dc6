package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The doctor's one diagnosis function, on constructed CMS rows and engine views (no database):
 * every rule, its reason text, and which rule wins when several apply.
 */
class ActorDoctorTest {
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
  private static final Duration STALE_AFTER = Duration.ofMinutes(5);
  private static final UUID ID = UUID.fromString("11111111-2222-3333-4444-555555555555");
  private static final String K8S = "web-a1b2c3";
  private static final String ACTOR = "actor-web-a1b2c3-0badcafe";

  private final ActorDoctor doctor = new ActorDoctor(null, null, STALE_AFTER, () -> NOW);

  private static Instant ago(Duration d) {
    return NOW.minus(d);
  }

  private static Instant secondsAgo(long s) {
    return ago(Duration.ofSeconds(s));
  }

  /** An instance started and updated an hour ago. */
  private static InstanceRecord instance(
      InstanceState state, boolean monitoring, String actorId, Instant lastCheck) {
    return instance(state, monitoring, actorId, lastCheck, secondsAgo(3600), secondsAgo(3600));
  }

  private static InstanceRecord instance(
      InstanceState state,
      boolean monitoring,
      String actorId,
      Instant lastCheck,
      Instant startedAt,
      Instant updatedAt) {
    return new InstanceRecord(
        ID,
        "web",
        K8S,
        "default",
        "18",
        10,
        state,
        HealthStatus.HEALTHY,
        lastCheck,
        0,
        monitoring,
        "create-" + K8S,
        null,
        actorId,
        "local",
        "127.0.0.1",
        5432,
        "postgres",
        new InstanceRecord.Access(1, "/tmp/toygres-x/web", null, "sealed", "sealed"),
        "/tmp/web",
        42L,
        secondsAgo(7200),
        updatedAt,
        startedAt,
        null,
        null,
        "{}");
  }

  private static InstanceRecord running(Instant lastCheck) {
    return instance(InstanceState.RUNNING, true, ACTOR, lastCheck);
  }

  private static InstanceInfo actor(OrchestrationStatus status, Instant progress) {
    return actor(status, progress, null);
  }

  private static InstanceInfo actor(
      OrchestrationStatus status, Instant progress, FailureDetails failure) {
    return new InstanceInfo(
        ACTOR,
        InstanceActor.NAME,
        "1.0.0",
        status,
        17,
        secondsAgo(3600),
        progress,
        status.isTerminal() ? progress : null,
        null,
        null,
        failure,
        null);
  }

  private Finding diagnose(InstanceRecord r, InstanceInfo a) {
    return doctor.diagnose(r, a, NOW);
  }

  @Nested
  class Healthy {
    @Test
    void aRunningActorWithARecentCheckIsHealthyAndTheFindingCarriesTheEvidence() {
      Instant check = secondsAgo(12);
      Instant progress = secondsAgo(2);
      Finding f = diagnose(running(check), actor(OrchestrationStatus.RUNNING, progress));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.HEALTHY);
      assertThat(f.reason())
          .isEqualTo(
              "last health check 12s ago; actor "
                  + ACTOR
                  + " is running and its history"
                  + " advanced 2s ago");
      assertThat(f.instanceId()).isEqualTo(ID);
      assertThat(f.instanceName()).isEqualTo("web");
      assertThat(f.k8sName()).isEqualTo(K8S);
      assertThat(f.state()).isEqualTo("running");
      assertThat(f.actorId()).isEqualTo(ACTOR);
      assertThat(f.actorStatus()).isEqualTo("running");
      assertThat(f.lastHealthCheck()).isEqualTo(check);
      assertThat(f.actorProgressAt()).isEqualTo(progress);
    }

    @Test
    void aStoppedInstanceIsDiagnosedLikeARunningOne() {
      Finding f =
          diagnose(
              instance(InstanceState.STOPPED, true, ACTOR, secondsAgo(5)),
              actor(OrchestrationStatus.RUNNING, secondsAgo(5)));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.HEALTHY);
      assertThat(f.state()).isEqualTo("stopped");
    }

    @Test
    void aCheckExactlyAtTheThresholdIsStillHealthyAndOneMillisecondMoreIsStale() {
      InstanceInfo a = actor(OrchestrationStatus.RUNNING, secondsAgo(1));

      assertThat(diagnose(running(ago(STALE_AFTER)), a).diagnosis()).isEqualTo(Diagnosis.HEALTHY);
      assertThat(diagnose(running(ago(STALE_AFTER.plusMillis(1))), a).diagnosis())
          .isEqualTo(Diagnosis.STALE);
    }

    @Test
    void noCheckYetButStartedRecentlyIsHealthy() {
      Finding f =
          diagnose(
              instance(InstanceState.RUNNING, true, ACTOR, null, secondsAgo(30), secondsAgo(30)),
              actor(OrchestrationStatus.RUNNING, secondsAgo(1)));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.HEALTHY);
      assertThat(f.reason()).startsWith("no health check yet; actor " + ACTOR + " is running");
    }
  }

  @Nested
  class Stale {
    @Test
    void runningAndAdvancingButTheLastCheckIsOldIsStale() {
      Finding f =
          diagnose(
              running(ago(Duration.ofMinutes(7).plusSeconds(12))),
              actor(OrchestrationStatus.RUNNING, secondsAgo(4)));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.STALE);
      assertThat(f.reason())
          .isEqualTo(
              "last health check 7m12s ago; actor "
                  + ACTOR
                  + " is running and its history advanced 4s ago");
      assertThat(f.actorStatus()).isEqualTo("running");
    }

    @Test
    void noCheckEverAndStartedLongAgoIsStale() {
      Finding f =
          diagnose(
              instance(
                  InstanceState.RUNNING,
                  true,
                  ACTOR,
                  null,
                  ago(Duration.ofMinutes(10)),
                  secondsAgo(1)),
              actor(OrchestrationStatus.RUNNING, secondsAgo(1)));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.STALE);
      assertThat(f.reason())
          .isEqualTo(
              "no health check yet; actor "
                  + ACTOR
                  + " is running and its history"
                  + " advanced 1s ago");
      assertThat(f.lastHealthCheck()).isNull();
    }

    @Test
    void noCheckAndNoStartTimeFallsBackToTheRowsLastUpdate() {
      InstanceInfo a = actor(OrchestrationStatus.RUNNING, secondsAgo(1));

      assertThat(
              diagnose(
                      instance(
                          InstanceState.RUNNING, true, ACTOR, null, null, ago(Duration.ofHours(1))),
                      a)
                  .diagnosis())
          .isEqualTo(Diagnosis.STALE);
      assertThat(
              diagnose(instance(InstanceState.RUNNING, true, ACTOR, null, null, secondsAgo(3)), a)
                  .diagnosis())
          .isEqualTo(Diagnosis.HEALTHY);
    }
  }

  @Nested
  class FreshActor {
    private InstanceInfo startedAgo(Duration age) {
      return new InstanceInfo(
          ACTOR,
          InstanceActor.NAME,
          "1.0.0",
          OrchestrationStatus.RUNNING,
          1,
          ago(age),
          ago(age),
          null,
          null,
          null,
          null,
          null);
    }

    @Test
    void aFreshActorIsNotBlamedForChecksMissedBeforeItStarted() {
      Finding f = diagnose(running(ago(Duration.ofMinutes(10))), startedAgo(Duration.ofSeconds(2)));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.HEALTHY);
      assertThat(f.reason())
          .isEqualTo(
              "last health check 10m ago; actor "
                  + ACTOR
                  + " started 2s ago and has not recorded a check yet");
    }

    @Test
    void aFreshActorThatStillHasNotCheckedAfterTheThresholdIsStale() {
      Finding f =
          diagnose(
              running(ago(Duration.ofMinutes(10))),
              new InstanceInfo(
                  ACTOR,
                  InstanceActor.NAME,
                  "1.0.0",
                  OrchestrationStatus.RUNNING,
                  6,
                  ago(STALE_AFTER.plusSeconds(1)),
                  secondsAgo(1),
                  null,
                  null,
                  null,
                  null,
                  null));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.STALE);
      assertThat(f.reason())
          .isEqualTo(
              "last health check 10m ago; actor "
                  + ACTOR
                  + " is running and its history advanced 1s ago");
    }

    @Test
    void aNewInstancesFirstActorBeforeItsFirstCheckIsHealthy() {
      Finding f =
          diagnose(
              instance(InstanceState.RUNNING, true, ACTOR, null, secondsAgo(3), secondsAgo(3)),
              startedAgo(Duration.ofSeconds(1)));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.HEALTHY);
      assertThat(f.reason())
          .isEqualTo(
              "no health check yet; actor "
                  + ACTOR
                  + " started 1s ago and has not recorded a check yet");
    }
  }

  @Nested
  class Zombie {
    @Test
    void runningInTheEngineButHistoryNotAdvancedForLongerThanTheThresholdIsAZombie() {
      Finding f =
          diagnose(
              running(secondsAgo(20)),
              actor(OrchestrationStatus.RUNNING, ago(Duration.ofMinutes(6))));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.ZOMBIE);
      assertThat(f.reason())
          .isEqualTo(
              "actor "
                  + ACTOR
                  + " is running in the engine but its history has not advanced for 6m;"
                  + " last health check 20s ago");
      assertThat(f.actorStatus()).isEqualTo("running");
    }

    @Test
    void zombieWinsOverStaleWhenBothTheCheckAndTheHistoryAreOld() {
      Finding f =
          diagnose(
              running(ago(Duration.ofMinutes(9))),
              actor(OrchestrationStatus.RUNNING, ago(Duration.ofMinutes(8))));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.ZOMBIE);
      assertThat(f.reason()).endsWith("has not advanced for 8m; last health check 9m ago");
    }
  }

  @Nested
  class Missing {
    @Test
    void noRecordedActorIsMissing() {
      Finding f = diagnose(instance(InstanceState.RUNNING, true, null, secondsAgo(42)), null);

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.MISSING);
      assertThat(f.reason())
          .isEqualTo("no actor is recorded for the instance; last health check 42s ago");
      assertThat(f.actorStatus()).isEqualTo("none");
      assertThat(f.actorId()).isNull();
      assertThat(f.actorProgressAt()).isNull();
    }

    @Test
    void aRecordedActorUnknownToTheEngineIsMissing() {
      Finding f = diagnose(running(null), null);

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.MISSING);
      assertThat(f.reason())
          .isEqualTo(
              "recorded actor " + ACTOR + " does not exist in the engine; no health check yet");
      assertThat(f.actorStatus()).isEqualTo("missing");
    }
  }

  @Nested
  class RecordedButNotStartedYet {
    @Test
    void anActorRecordedAMomentAgoAndNotYetInTheEngineIsNotMissing() {
      Finding f =
          diagnose(
              instance(
                  InstanceState.RUNNING,
                  true,
                  ACTOR,
                  secondsAgo(20),
                  secondsAgo(60),
                  secondsAgo(1)),
              null);

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.HEALTHY);
      assertThat(f.reason())
          .isEqualTo(
              "actor "
                  + ACTOR
                  + " was recorded 1s ago and is not started in the engine yet; last health check"
                  + " 20s ago");
      assertThat(f.actorStatus()).isEqualTo("missing");
    }

    @Test
    void aNewInstanceWhoseFirstActorIsRecordedButNotStartedIsNotMissing() {
      assertThat(
              diagnose(
                      instance(
                          InstanceState.RUNNING, true, ACTOR, null, secondsAgo(1), secondsAgo(1)),
                      null)
                  .diagnosis())
          .isEqualTo(Diagnosis.HEALTHY);
    }

    @Test
    void whenTheRowsLastChangeWasTheLastCheckTheEnginesStateWasLostAndTheActorIsMissing() {
      Instant lastCheck = secondsAgo(2);
      Finding f =
          diagnose(
              instance(InstanceState.RUNNING, true, ACTOR, lastCheck, secondsAgo(600), lastCheck),
              null);

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.MISSING);
      assertThat(f.reason())
          .isEqualTo(
              "recorded actor "
                  + ACTOR
                  + " does not exist in the engine; last health check 2s ago");
    }

    @Test
    void anActorRecordedLongerAgoThanTheThresholdAndStillNotInTheEngineIsMissing() {
      assertThat(
              diagnose(
                      instance(
                          InstanceState.RUNNING,
                          true,
                          ACTOR,
                          ago(Duration.ofMinutes(9)),
                          ago(Duration.ofMinutes(9)),
                          ago(STALE_AFTER.plusSeconds(1))),
                      null)
                  .diagnosis())
          .isEqualTo(Diagnosis.MISSING);
    }
  }

  @Nested
  class Dead {
    @Test
    void aCompletedActorIsDeadAndTheReasonNamesTheStatus() {
      Finding f =
          diagnose(
              running(ago(Duration.ofMinutes(2))),
              actor(OrchestrationStatus.COMPLETED, ago(Duration.ofSeconds(90))));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.DEAD);
      assertThat(f.reason())
          .isEqualTo(
              "actor "
                  + ACTOR
                  + " ended (completed) 1m30s ago while monitoring is on; last health check 2m ago");
      assertThat(f.actorStatus()).isEqualTo("completed");
    }

    @Test
    void aFailedActorIsDeadAndTheReasonNamesTheError() {
      Finding f =
          diagnose(
              running(secondsAgo(3)),
              actor(
                  OrchestrationStatus.FAILED,
                  secondsAgo(3),
                  FailureDetails.of("java.lang.IllegalStateException", "replay went wrong")));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.DEAD);
      assertThat(f.reason())
          .startsWith("actor " + ACTOR + " ended (failed: replay went wrong) 3s ago")
          .endsWith("last health check 3s ago");
      assertThat(f.actorStatus()).isEqualTo("failed");
    }

    @Test
    void anActorCancelledThroughTheEngineWhileMonitoringIsOnIsDead() {
      Finding f =
          diagnose(
              running(secondsAgo(8)),
              actor(
                  OrchestrationStatus.CANCELLED,
                  secondsAgo(7),
                  FailureDetails.of("OrchestrationTerminated", "ended by hand")));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.DEAD);
      assertThat(f.reason())
          .contains("ended (cancelled: ended by hand) 7s ago while monitoring is on");
      assertThat(f.actorStatus()).isEqualTo("cancelled");
    }

    @Test
    void deadWinsOverAnOldCheck() {
      assertThat(
              diagnose(
                      running(ago(Duration.ofHours(2))),
                      actor(OrchestrationStatus.COMPLETED, ago(Duration.ofHours(2))))
                  .diagnosis())
          .isEqualTo(Diagnosis.DEAD);
    }
  }

  @Nested
  class Cancelled {
    @Test
    void monitoringTurnedOffIsCancelledWithTheActorInTheReason() {
      Finding f =
          diagnose(
              instance(InstanceState.RUNNING, false, ACTOR, ago(Duration.ofMinutes(3))),
              actor(OrchestrationStatus.CANCELLED, ago(Duration.ofMinutes(3))));

      assertThat(f.diagnosis()).isEqualTo(Diagnosis.CANCELLED);
      assertThat(f.reason())
          .isEqualTo(
              "monitoring was turned off (actor "
                  + ACTOR
                  + " cancelled by an operator); last health check 3m ago");
    }

    @Test
    void monitoringOffWinsOverEveryOtherRule() {
      InstanceRecord off = instance(InstanceState.RUNNING, false, ACTOR, ago(Duration.ofHours(1)));
      InstanceRecord offNoActor =
          instance(InstanceState.STOPPED, false, null, ago(Duration.ofHours(1)));
      Map<String, InstanceInfo> engineViews = new LinkedHashMap<>();
      engineViews.put("unknown to the engine", null);
      engineViews.put("completed", actor(OrchestrationStatus.COMPLETED, ago(Duration.ofHours(1))));
      engineViews.put(
          "failed",
          actor(
              OrchestrationStatus.FAILED,
              ago(Duration.ofHours(1)),
              FailureDetails.of("X", "boom")));
      engineViews.put(
          "stuck (zombie)", actor(OrchestrationStatus.RUNNING, ago(Duration.ofHours(1))));
      engineViews.put(
          "advancing with an old check (stale)", actor(OrchestrationStatus.RUNNING, secondsAgo(1)));
      engineViews.forEach(
          (what, a) ->
              assertThat(diagnose(off, a).diagnosis()).as(what).isEqualTo(Diagnosis.CANCELLED));
      assertThat(diagnose(offNoActor, null).diagnosis()).isEqualTo(Diagnosis.CANCELLED);
      assertThat(diagnose(offNoActor, null).reason()).startsWith("monitoring was turned off");
    }
  }

  @Nested
  class Parsing {
    @Test
    void parseListReadsCommaSeparatedCaseInsensitiveNamesAndSkipsBlanks() {
      assertThat(Diagnosis.parseList(null)).isEmpty();
      assertThat(Diagnosis.parseList("  ")).isEmpty();
      assertThat(Diagnosis.parseList("stale,missing"))
          .containsExactlyInAnyOrder(Diagnosis.STALE, Diagnosis.MISSING);
      assertThat(Diagnosis.parseList(" DEAD ,, Zombie,dead,"))
          .containsExactlyInAnyOrder(Diagnosis.DEAD, Diagnosis.ZOMBIE);
      assertThat(Diagnosis.parseList("orphaned,cancelled,healthy"))
          .containsExactlyInAnyOrder(Diagnosis.ORPHANED, Diagnosis.CANCELLED, Diagnosis.HEALTHY);
    }

    @Test
    void parseListNamesTheBadValueAndListsTheGoodOnes() {
      assertThatThrownBy(() -> Diagnosis.parseList("stale,sleepy"))
          .isInstanceOfSatisfying(
              InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("diagnosis"))
          .hasMessage(
              "unknown diagnosis 'sleepy'; expected one of healthy, stale, zombie, missing, dead,"
                  + " cancelled, orphaned");
      assertThatThrownBy(() -> Diagnosis.parseList("stale missing"))
          .hasMessageStartingWith("unknown diagnosis 'stale missing'");
    }

    @Test
    void labelsAreLowerCaseAndCancelledAndHealthyAreNeverRepairedAutomatically() {
      assertThat(Diagnosis.ZOMBIE.label()).isEqualTo("zombie");
      assertThat(Diagnosis.REPAIRABLE)
          .isEqualTo(
              EnumSet.of(
                  Diagnosis.STALE,
                  Diagnosis.ZOMBIE,
                  Diagnosis.MISSING,
                  Diagnosis.DEAD,
                  Diagnosis.ORPHANED));
    }

    @Test
    void k8sNameOfTakesTheMiddleOfAnActorId() {
      assertThat(ActorDoctor.k8sNameOf(ACTOR)).isEqualTo(K8S);
      assertThat(ActorDoctor.k8sNameOf("actor-web-a1b2c3-0rphan00")).isEqualTo(K8S);
      assertThat(ActorDoctor.k8sNameOf(ActorIds.fresh("db-1-x9y8z7", UUID.randomUUID())))
          .isEqualTo("db-1-x9y8z7");
      assertThat(ActorDoctor.k8sNameOf("actor-x-12345678")).isEqualTo("x");
    }

    @Test
    void k8sNameOfIsNullForIdsThatAreNotActorIds() {
      assertThat(ActorDoctor.k8sNameOf("create-web-a1b2c3")).isNull();
      assertThat(ActorDoctor.k8sNameOf("actor-12345678")).isNull();
      assertThat(ActorDoctor.k8sNameOf("actor-")).isNull();
      assertThat(ActorDoctor.k8sNameOf("toygres-actor-supervisor")).isNull();
    }
  }

  @Nested
  class Report {
    @Test
    void countsListEveryDiagnosisAndOnlyFilters() {
      Finding healthy =
          diagnose(running(secondsAgo(1)), actor(OrchestrationStatus.RUNNING, secondsAgo(1)));
      Finding missing = diagnose(running(secondsAgo(1)), null);
      DoctorReport report = new DoctorReport(NOW, List.of(healthy, missing, missing));

      assertThat(report.counts())
          .containsEntry(Diagnosis.HEALTHY, 1)
          .containsEntry(Diagnosis.MISSING, 2)
          .containsEntry(Diagnosis.ORPHANED, 0)
          .hasSize(Diagnosis.values().length);
      assertThat(report.only(Set.of())).hasSize(3);
      assertThat(report.only(Set.of(Diagnosis.MISSING))).containsExactly(missing, missing);
      assertThat(report.only(Set.of(Diagnosis.DEAD))).isEmpty();
    }
  }
}

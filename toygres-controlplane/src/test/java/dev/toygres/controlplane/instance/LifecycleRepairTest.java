package dev.toygres.controlplane.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceRecords;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.controlplane.instance.LifecycleRepair.Action;
import dev.toygres.controlplane.instance.LifecycleRepair.Decision;
import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lifecycle repair's decisions: which stuck instance it rolls back or deletes again, and which
 * it leaves alone (a running orchestration, one that ended or an instance that changed within the
 * grace period, a roll-back under way, any settled state).
 */
class LifecycleRepairTest {
  private static final Duration GRACE = Duration.ofSeconds(10);
  // InstanceRecords' rows were last updated at 2026-01-01T00:00:00Z.
  private static final Instant UPDATED = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant LATER = UPDATED.plusSeconds(60);

  private static InstanceRecord creating() {
    return InstanceRecords.web(InstanceState.CREATING);
  }

  private static InstanceRecord deleting() {
    InstanceRecord r = InstanceRecords.web(InstanceState.DELETING);
    return new InstanceRecord(
        r.id(),
        r.userName(),
        r.k8sName(),
        r.namespace(),
        r.postgresVersion(),
        r.storageSizeGb(),
        r.state(),
        r.healthStatus(),
        r.lastHealthCheck(),
        r.consecutiveFailures(),
        r.monitoringEnabled(),
        r.createOrchestrationId(),
        "delete-web-abc123",
        r.actorId(),
        r.dataPlane(),
        r.host(),
        r.port(),
        r.tenantUser(),
        r.access(),
        r.dataDir(),
        r.pid(),
        r.createdAt(),
        r.updatedAt(),
        r.startedAt(),
        r.stoppedAt(),
        r.deletedAt(),
        r.tags());
  }

  private static Optional<InstanceInfo> orchestration(
      String id, OrchestrationStatus status, Instant ended, String failure) {
    return Optional.of(
        new InstanceInfo(
            id,
            "toygres.x",
            "1",
            status,
            1,
            UPDATED,
            ended == null ? UPDATED : ended,
            ended,
            null,
            null,
            failure == null ? null : new FailureDetails("X", failure, null),
            null));
  }

  private static Decision decide(
      InstanceRecord r, Optional<InstanceInfo> lifecycle, Optional<InstanceInfo> rollBack) {
    return LifecycleRepair.decide(r, lifecycle, rollBack, LATER, GRACE);
  }

  @Test
  void aCreateThatIsStillRunningIsLeftAlone() {
    Decision d =
        decide(
            creating(),
            orchestration("create-web-abc123", OrchestrationStatus.RUNNING, null, null),
            Optional.empty());

    assertThat(d.action()).isEqualTo(Action.NONE);
  }

  @Test
  void aCreateCancelledBeforeTheGracePeriodIsRolledBackAndTheReasonNamesIt() {
    Decision d =
        decide(
            creating(),
            orchestration(
                "create-web-abc123", OrchestrationStatus.CANCELLED, UPDATED, "cancelled by me"),
            Optional.empty());

    assertThat(d.action()).isEqualTo(Action.ROLL_BACK_CREATE);
    assertThat(d.reason())
        .isEqualTo("its create orchestration create-web-abc123 cancelled: cancelled by me");
  }

  @Test
  void aCreateThatEndedWithinTheGracePeriodIsLeftForItsLastActivityToFinish() {
    Decision d =
        decide(
            creating(),
            orchestration(
                "create-web-abc123", OrchestrationStatus.FAILED, LATER.minusSeconds(3), "boom"),
            Optional.empty());

    assertThat(d.action()).isEqualTo(Action.NONE);
  }

  @Test
  void aCreateThatCompletedWithoutMarkingTheInstanceRunningIsRolledBack() {
    Decision d =
        decide(
            creating(),
            orchestration("create-web-abc123", OrchestrationStatus.COMPLETED, UPDATED, null),
            Optional.empty());

    assertThat(d.action()).isEqualTo(Action.ROLL_BACK_CREATE);
    assertThat(d.reason()).contains("completed without marking it running");
  }

  @Test
  void aMissingCreateIsRolledBackOnlyOnceTheInstanceIsOlderThanTheGracePeriod() {
    assertThat(
            LifecycleRepair.decide(
                    creating(), Optional.empty(), Optional.empty(), UPDATED.plusSeconds(2), GRACE)
                .action())
        .isEqualTo(Action.NONE);
    Decision d = decide(creating(), Optional.empty(), Optional.empty());
    assertThat(d.action()).isEqualTo(Action.ROLL_BACK_CREATE);
    assertThat(d.reason()).isEqualTo("its create orchestration create-web-abc123 does not exist");
  }

  @Test
  void aRollBackUnderWayIsNotStartedTwice() {
    Decision d =
        decide(
            creating(),
            orchestration("create-web-abc123", OrchestrationStatus.CANCELLED, UPDATED, "x"),
            orchestration("roll-back-web-abc123", OrchestrationStatus.RUNNING, null, null));

    assertThat(d.action()).isEqualTo(Action.NONE);
  }

  @Test
  void aRollBackThatFailedIsStartedAgain() {
    Decision d =
        decide(
            creating(),
            orchestration("create-web-abc123", OrchestrationStatus.CANCELLED, UPDATED, "x"),
            orchestration("roll-back-web-abc123", OrchestrationStatus.FAILED, UPDATED, "busy"));

    assertThat(d.action()).isEqualTo(Action.ROLL_BACK_CREATE);
  }

  @Test
  void aDeleteThatFailedIsStartedAgain() {
    Decision d =
        decide(
            deleting(),
            orchestration(
                "delete-web-abc123",
                OrchestrationStatus.FAILED,
                UPDATED,
                "Device or resource busy"),
            Optional.empty());

    assertThat(d.action()).isEqualTo(Action.RETRY_DELETE);
    assertThat(d.reason())
        .isEqualTo("its delete orchestration delete-web-abc123 failed: Device or resource busy");
  }

  @Test
  void aDeleteThatRunsIsLeftAlone() {
    Decision d =
        decide(
            deleting(),
            orchestration("delete-web-abc123", OrchestrationStatus.RUNNING, null, null),
            Optional.empty());

    assertThat(d.action()).isEqualTo(Action.NONE);
  }

  @Test
  void aDeleteThatIsGoneIsStartedAgain() {
    Decision d = decide(deleting(), Optional.empty(), Optional.empty());

    assertThat(d.action()).isEqualTo(Action.RETRY_DELETE);
    assertThat(d.reason()).isEqualTo("its delete orchestration delete-web-abc123 does not exist");
  }

  @Test
  void anEndTimeAfterTheDatabasesNowCountsAsPastNotAsFresh() {
    Decision d =
        decide(
            deleting(),
            orchestration(
                "delete-web-abc123", OrchestrationStatus.CANCELLED, LATER.plusSeconds(3600), "x"),
            Optional.empty());

    assertThat(d.action()).isEqualTo(Action.RETRY_DELETE);
  }

  @ParameterizedTest
  @EnumSource(
      value = InstanceState.class,
      names = {"RUNNING", "STOPPED", "FAILED", "DELETED"})
  void settledInstancesAreNeverTouched(InstanceState state) {
    Decision d = decide(InstanceRecords.web(state), Optional.empty(), Optional.empty());

    assertThat(d.action()).isEqualTo(Action.NONE);
  }
}

package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceRecords;
import dev.toygres.controlplane.cms.InstanceState;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one fence of an actor's turn: which rows end the actor, with which reason, in which order.
 */
class ActorFenceTest {
  private static final UUID ID = InstanceRecords.ID;
  private static final String ACTOR = InstanceRecords.ACTOR;

  private static InstanceRecord instance(InstanceState state, String actorId, boolean monitoring) {
    return InstanceRecords.web(state, actorId, monitoring, true);
  }

  @ParameterizedTest
  @EnumSource(
      value = InstanceState.class,
      names = {"RUNNING", "STOPPED"})
  void theRecordedActorOfAWatchedInstanceWithMonitoringOnGoesOn(InstanceState state) {
    assertThat(ActorFence.reason(ID, instance(state, ACTOR, true), ACTOR)).isEmpty();
  }

  @Test
  void anInstanceWithoutARowNoLongerExists() {
    assertThat(ActorFence.reason(ID, null, ACTOR))
        .hasValue("instance 00000000-0000-0000-0000-000000000007 no longer exists");
  }

  @ParameterizedTest
  @EnumSource(
      value = InstanceState.class,
      names = {"RUNNING", "STOPPED"},
      mode = EnumSource.Mode.EXCLUDE)
  void everyOtherStateEndsTheActorNamingTheState(InstanceState state) {
    assertThat(ActorFence.reason(ID, instance(state, ACTOR, true), ACTOR))
        .hasValue("instance is " + state.dbName());
  }

  @Test
  void anActorThatIsNoLongerTheRecordedOneIsSuperseded() {
    assertThat(ActorFence.reason(ID, instance(InstanceState.RUNNING, "actor-web-new", true), ACTOR))
        .hasValue("superseded: the instance's actor is now actor-web-new");
    assertThat(ActorFence.reason(ID, instance(InstanceState.RUNNING, null, true), ACTOR))
        .hasValue("superseded: the instance's actor is now null");
  }

  @Test
  void monitoringTurnedOffEndsTheActor() {
    assertThat(ActorFence.reason(ID, instance(InstanceState.STOPPED, ACTOR, false), ACTOR))
        .hasValue("monitoring was turned off");
  }

  @Test
  void theStateIsJudgedFirstThenTheActorThenMonitoring() {
    assertThat(ActorFence.reason(ID, instance(InstanceState.DELETING, "other", false), ACTOR))
        .hasValue("instance is deleting");
    assertThat(ActorFence.reason(ID, instance(InstanceState.RUNNING, "other", false), ACTOR))
        .hasValue("superseded: the instance's actor is now other");
  }

  @Test
  void actorsWatchRunningAndStoppedInstancesOnly() {
    assertThat(ActorFence.WATCHED)
        .containsExactlyInAnyOrder(InstanceState.RUNNING, InstanceState.STOPPED);
  }
}

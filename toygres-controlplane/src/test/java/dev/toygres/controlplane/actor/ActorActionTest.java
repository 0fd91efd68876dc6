package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.StateConflictException;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceRecords;
import dev.toygres.controlplane.cms.InstanceState;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rules of the actor operations: what an instance's state, its actor's engine status and the
 * doctor's diagnosis allow (the API's allowed_actions) is what the actor service lets through.
 */
class ActorActionTest {
  private static final String ACTOR = InstanceRecords.ACTOR;

  private static InstanceRecord instance(InstanceState state, String actorId, boolean monitoring) {
    return InstanceRecords.web(state, actorId, monitoring, true);
  }

  private static Finding finding(InstanceRecord r, String actorStatus, Diagnosis d) {
    return new Finding(
        r.id(),
        r.userName(),
        r.k8sName(),
        r.state().dbName(),
        r.actorId(),
        actorStatus,
        r.lastHealthCheck(),
        null,
        d,
        "test");
  }

  @ParameterizedTest(name = "{0}, actor {1}, {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "RUNNING|running|HEALTHY|actor.restart,actor.cancel",
        "RUNNING|running|STALE|actor.restart,actor.cancel,actor.recover",
        "STOPPED|running|HEALTHY|actor.restart,actor.cancel",
        "RUNNING|cancelled|CANCELLED|actor.start,actor.restart,actor.recover",
        "RUNNING|missing|MISSING|actor.start,actor.restart,actor.recover",
        "STOPPED|none|MISSING|actor.start,actor.restart,actor.recover",
        "FAILED|completed|DEAD|''",
        "CREATING|none|MISSING|''",
        "DELETING|running|HEALTHY|actor.cancel",
      })
  void eachStateAndActorAllowExactlyTheirActions(
      InstanceState state, String actorStatus, Diagnosis diagnosis, String expected) {
    InstanceRecord r = instance(state, ACTOR, true);

    assertThat(ActorAction.allowed(r, finding(r, actorStatus, diagnosis)))
        .containsExactlyElementsOf(
            expected.isEmpty() ? List.of() : Arrays.asList(expected.split(",")));
  }

  @ParameterizedTest
  @EnumSource(InstanceState.class)
  void theServiceChecksExactlyWhatTheListAllows(InstanceState state) {
    InstanceRecord r = instance(state, ACTOR, true);
    for (boolean running : new boolean[] {true, false}) {
      List<String> allowed =
          ActorAction.allowed(r, finding(r, running ? "running" : "completed", Diagnosis.DEAD));
      for (ActorAction a : List.of(ActorAction.START, ActorAction.RESTART, ActorAction.CANCEL)) {
        if (allowed.contains(a.label())) {
          assertThatCode(() -> a.check(r, running)).doesNotThrowAnyException();
        } else {
          assertThatThrownBy(() -> a.check(r, running))
              .isInstanceOfSatisfying(
                  StateConflictException.class,
                  e -> assertThat(e.operation()).isEqualTo(a.label()));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "START|FAILED|false|instance 'web' is failed; actors watch running or stopped instances"
            + " only",
        "RESTART|CREATING|false|instance 'web' is creating; actors watch running or stopped"
            + " instances only",
        "START|RUNNING|true|instance 'web' already has a running actor ("
            + "actor-web-abc123-0badf00d"
            + "); use actor restart to replace it",
        "CANCEL|RUNNING|false|instance 'web' has no running actor to cancel",
      })
  void aRefusalSaysWhatToDoInstead(
      ActorAction action, InstanceState state, boolean running, String message) {
    assertThat(action.refusal(instance(state, ACTOR, true), running)).hasMessage(message);
  }
}

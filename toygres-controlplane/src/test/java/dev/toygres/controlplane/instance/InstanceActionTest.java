package dev.toygres.controlplane.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.StateConflictException;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceRecords;
import dev.toygres.controlplane.cms.InstanceState;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rules of the instance operations: what each state allows (the API's allowed_actions) is
 * exactly what the service lets through, and a refusal names the instance, its state and the
 * operation, in the words users see.
 */
class InstanceActionTest {

  private static InstanceRecord instance(InstanceState state, boolean secretsSealed) {
    return InstanceRecords.web(state, InstanceRecords.ACTOR, true, secretsSealed);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "CREATING|''",
        "RUNNING|stop,restart,delete,password",
        "STOPPED|start,restart,delete",
        "DELETING|''",
        "DELETED|''",
        "FAILED|delete",
      })
  void eachStateAllowsExactlyItsActions(InstanceState state, String expected) {
    List<String> allowed = InstanceAction.allowed(instance(state, true));

    assertThat(allowed)
        .containsExactlyElementsOf(
            expected.isEmpty() ? List.of() : Arrays.asList(expected.split(",")));
  }

  @ParameterizedTest
  @EnumSource(InstanceState.class)
  void theServiceChecksExactlyWhatTheListAllows(InstanceState state) {
    for (boolean sealed : new boolean[] {true, false}) {
      InstanceRecord r = instance(state, sealed);
      for (InstanceAction a : InstanceAction.values()) {
        if (InstanceAction.allowed(r).contains(a.label())) {
          assertThatCode(() -> a.check(r)).doesNotThrowAnyException();
        } else {
          assertThatThrownBy(() -> a.check(r))
              .isInstanceOfSatisfying(
                  StateConflictException.class,
                  e -> {
                    assertThat(e.instance()).isEqualTo("web");
                    assertThat(e.operation()).isEqualTo(a.label());
                  });
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "STOP|STOPPED|instance 'web' is stopped; cannot stop it",
        "START|RUNNING|instance 'web' is running; cannot start it",
        "RESTART|FAILED|instance 'web' is failed; cannot restart it",
        "RESTART|CREATING|instance 'web' is creating; cannot restart it",
        "DELETE|CREATING|instance 'web' is still being created; delete it once it is running or"
            + " failed, or once its create orchestration has ended",
        "DELETE|DELETING|instance 'web' is deleting; it cannot be deleted now",
        "PASSWORD|STOPPED|instance 'web' is stopped; its password can be changed while it runs",
      })
  void aRefusalSaysWhichInstanceItsStateAndWhatToDo(
      InstanceAction action, InstanceState state, String message) {
    StateConflictException e = action.refusal(instance(state, true));

    assertThat(e).hasMessage(message);
    assertThat(e.state()).isEqualTo(state.dbName());
  }

  @ParameterizedTest
  @EnumSource(
      value = InstanceState.class,
      names = {"RUNNING"})
  void aPasswordWaitsForTheControlPlanesSecrets(InstanceState state) {
    InstanceRecord notUpgraded = instance(state, false);

    assertThat(InstanceAction.allowed(notUpgraded)).doesNotContain("password");
    assertThat(InstanceAction.PASSWORD.refusal(notUpgraded))
        .hasMessage("instance 'web' is waiting for its access upgrade; try again shortly");
  }

  @ParameterizedTest
  @EnumSource(InstanceState.class)
  void deleteOfACreatingInstanceIsAcceptedOnceItsCreateHasEndedAndNothingElseChanges(
      InstanceState state) {
    InstanceRecord r = instance(state, true);
    for (InstanceAction a : InstanceAction.values()) {
      boolean expected =
          a.allows(r) || (a == InstanceAction.DELETE && state == InstanceState.CREATING);
      assertThat(a.allows(r, true)).as(a + " in " + state).isEqualTo(expected);
      assertThat(a.allows(r, false)).as(a + " in " + state).isEqualTo(a.allows(r));
    }
  }
}

package dev.toygres.engine.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StepCommitTest {
  private static final OrchestrationWorkItem ITEM =
      new OrchestrationWorkItem(
          "i",
          UUID.randomUUID(),
          "o",
          "1",
          OrchestrationStatus.RUNNING,
          2,
          List.of(new ExecutionStarted("o", "1", "null", null)),
          List.of(),
          1,
          null,
          Instant.EPOCH);
  private static final FailureDetails BOOM = FailureDetails.of("Boom", "boom");

  @Test
  void eachEndingOfTheBuilderSaysHowTheStepLeavesTheExecution() {
    assertThat(StepCommit.after(ITEM).keepsRunning().status())
        .isEqualTo(OrchestrationStatus.RUNNING);
    assertThat(StepCommit.after(ITEM).completes("1").output()).isEqualTo("1");
    assertThat(StepCommit.after(ITEM).fails(BOOM).status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(StepCommit.after(ITEM).cancelled(BOOM).status())
        .isEqualTo(OrchestrationStatus.CANCELLED);
    StepCommit.NextExecution next = new StepCommit.NextExecution(3, "o", "2", "null", List.of());
    StepCommit can = StepCommit.after(ITEM).continuesAsNew(next);
    assertThat(can.status()).isEqualTo(OrchestrationStatus.RUNNING);
    assertThat(can.next()).isEqualTo(next);
  }

  @Test
  void aStepAppendsAfterTheHistoryOfTheItemItWasTakenOn() {
    StepCommit c = StepCommit.after(ITEM).consuming(List.of(7L)).keepsRunning();

    assertThat(c.instanceId()).isEqualTo("i");
    assertThat(c.lockToken()).isEqualTo(ITEM.lockToken());
    assertThat(c.executionId()).isEqualTo(2);
    assertThat(c.firstSeq()).isEqualTo(1);
    assertThat(c.consumed()).containsExactly(7L);
    assertThat(c.customStatusSet()).isFalse();
    assertThat(c.version()).isNull();
  }

  @Test
  void theCommitKeepsWhatItWasGivenEvenIfTheCallerChangesItsListsLater() {
    List<HistoryEvent> appended =
        new ArrayList<>(List.of(new ExecutionStarted("o", "1", "", null)));
    StepCommit c = StepCommit.after(ITEM).appending(appended).keepsRunning();
    appended.clear();

    assertThat(c.appended()).hasSize(1);
  }

  @Test
  void aFailureWithoutAnEndingThatCarriesOneIsRefused() {
    StepCommit ok = StepCommit.after(ITEM).keepsRunning();

    assertThatThrownBy(() -> withStatusAndFailure(ok, OrchestrationStatus.COMPLETED, BOOM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'i'");
    assertThatThrownBy(() -> withStatusAndFailure(ok, OrchestrationStatus.FAILED, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> withStatusAndFailure(ok, OrchestrationStatus.CONTINUED_AS_NEW, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static StepCommit withStatusAndFailure(
      StepCommit s, OrchestrationStatus status, FailureDetails failure) {
    return new StepCommit(
        s.instanceId(),
        s.lockToken(),
        s.executionId(),
        s.firstSeq(),
        s.appended(),
        s.consumed(),
        status,
        s.version(),
        s.output(),
        failure,
        s.customStatus(),
        s.customStatusSet(),
        s.next(),
        s.activities(),
        s.messages(),
        s.newInstances());
  }
}

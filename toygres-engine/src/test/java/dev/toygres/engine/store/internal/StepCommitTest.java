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
          Instant.EPOCH,
          false);
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
    assertThatThrownBy(() -> ending(OrchestrationStatus.COMPLETED, BOOM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'i'");
    assertThatThrownBy(() -> ending(OrchestrationStatus.FAILED, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ending(OrchestrationStatus.CONTINUED_AS_NEW, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** An empty step of ITEM that ends with {@code status} and {@code failure}, as given. */
  private static StepCommit ending(OrchestrationStatus status, FailureDetails failure) {
    List<HistoryEvent> none = List.of();
    return new StepCommit(
        ITEM.instanceId(),
        ITEM.lockToken(),
        ITEM.executionId(),
        ITEM.history().size(),
        none,
        List.of(),
        status,
        "1",
        null,
        failure,
        null,
        false,
        null,
        List.of(),
        List.of(),
        List.of());
  }
}

package dev.toygres.engine.internal.replay;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ContinuedAsNew;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.history.HistoryEvent.ExecutionCompleted;
import dev.toygres.engine.history.HistoryEvent.ExecutionFailed;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.Scheduling;
import dev.toygres.engine.internal.Json;
import dev.toygres.engine.internal.replay.StepDecision.Outcome;
import dev.toygres.engine.internal.signal.ContinueAsNewSignal;
import dev.toygres.engine.internal.signal.OrchestratorBlocked;
import dev.toygres.engine.orchestration.Orchestration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs orchestration code against its history plus this step's new events and returns what the step
 * decided. Pure: no I/O, so the same inputs always give the same decision.
 */
public final class OrchestrationExecutor {
  private OrchestrationExecutor() {}

  /**
   * As {@link #execute(String, int, Orchestration, Class, List, List, LocalActivityRunner)} with
   * {@link LocalActivityRunner#NONE}: local activities that history has not answered stay new work.
   */
  public static StepDecision execute(
      String instanceId,
      int executionId,
      Orchestration<Object, Object> code,
      Class<?> inputType,
      List<HistoryEvent> past,
      List<HistoryEvent> fresh) {
    return execute(instanceId, executionId, code, inputType, past, fresh, LocalActivityRunner.NONE);
  }

  /**
   * @param past the execution's history so far (starts with {@link ExecutionStarted})
   * @param fresh this step's new events (an {@code OrchestratorStarted} first); for a brand-new
   *     execution {@code past} may hold only its start event
   * @param local runs the local activities this step calls that history has not answered; their
   *     outcomes join the step's appended events, after {@code fresh}
   */
  public static StepDecision execute(
      String instanceId,
      int executionId,
      Orchestration<Object, Object> code,
      Class<?> inputType,
      List<HistoryEvent> past,
      List<HistoryEvent> fresh,
      LocalActivityRunner local) {
    List<HistoryEvent> all = new ArrayList<>(past.size() + fresh.size());
    all.addAll(past);
    all.addAll(fresh);
    if (all.isEmpty() || !(all.get(0) instanceof ExecutionStarted start)) {
      throw new IllegalStateException(
          "history of "
              + instanceId
              + " execution "
              + executionId
              + " does not begin with ExecutionStarted");
    }
    HistoryCursor cursor = new HistoryCursor(instanceId, executionId, all, past.size());
    cursor.runLocalActivitiesWith(local);
    ReplayContext ctx =
        new ReplayContext(instanceId, executionId, start.name(), start.version(), cursor);
    Outcome outcome;
    String output = null;
    FailureDetails failure = null;
    String continueInput = null;
    String continueVersion = null;
    boolean continueInPlace = false;
    List<EventRaised> carryOver = List.of();
    try {
      cursor.processFirstStep();
      Object result = code.run(ctx, Json.read(start.input(), inputType));
      ctx.seal();
      cursor.drain();
      outcome = Outcome.COMPLETED;
      output = Json.write(result);
    } catch (OrchestratorBlocked blocked) {
      outcome = Outcome.RUNNING;
    } catch (ContinueAsNewSignal can) {
      ctx.seal();
      cursor.inbox().clearWaits();
      try {
        cursor.drain();
        outcome = Outcome.CONTINUED_AS_NEW;
        continueInput = Json.write(can.input());
        continueVersion = can.version();
        continueInPlace = can.inPlace();
        carryOver = cursor.inbox().unconsumed();
      } catch (RuntimeException e) {
        outcome = Outcome.FAILED;
        failure = FailureDetails.of(e);
      }
    } catch (RuntimeException e) {
      outcome = Outcome.FAILED;
      failure = FailureDetails.of(e);
    }
    List<Scheduling> newWork = outcome == Outcome.FAILED ? List.of() : cursor.unmatched();
    // This step's inputs, then the outcomes of the local activities it ran.
    List<HistoryEvent> appended = new ArrayList<>(all.subList(past.size(), all.size()));
    appended.addAll(newWork);
    switch (outcome) {
      case COMPLETED -> appended.add(new ExecutionCompleted(output));
      case FAILED -> appended.add(new ExecutionFailed(failure));
      case CONTINUED_AS_NEW -> appended.add(new ContinuedAsNew(continueInput, continueVersion));
      case RUNNING -> {}
    }
    return new StepDecision(
        outcome,
        appended,
        newWork,
        output,
        failure,
        continueInput,
        continueVersion,
        continueInPlace,
        carryOver,
        ctx.customStatus(),
        ctx.customStatusSet(),
        ctx.activityTimeouts());
  }
}

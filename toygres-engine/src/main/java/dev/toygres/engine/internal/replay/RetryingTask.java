package dev.toygres.engine.internal.replay;

import dev.toygres.engine.orchestration.RetryPolicy;
import dev.toygres.engine.orchestration.TaskTimeoutException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs attempts until one succeeds or the policy gives up, with a durable timer between attempts.
 * Each attempt may race a timeout timer; an attempt that loses the race counts as failed.
 */
final class RetryingTask<T> extends TaskImpl<T> {
  private final ReplayContext ctx;
  private final Supplier<CompletionTask<T>> attempt;
  private final RetryPolicy policy;
  private final Duration attemptTimeout;
  private final String description;
  private int attempts;

  RetryingTask(
      ReplayContext ctx,
      HistoryCursor cursor,
      String description,
      Supplier<CompletionTask<T>> attempt,
      RetryPolicy policy,
      Duration attemptTimeout) {
    super(cursor);
    this.ctx = ctx;
    this.attempt = attempt;
    this.policy = policy;
    this.attemptTimeout = attemptTimeout;
    this.description = description;
    startAttempt();
  }

  private void startAttempt() {
    attempts++;
    CompletionTask<T> a = attempt.get();
    if (attemptTimeout == null) {
      a.onDone(() -> attemptDone(a.failureNow(), a.valueNow()));
      return;
    }
    CompletionTask<Void> timer = ctx.timerTask(ctx.currentTime().plus(attemptTimeout));
    boolean[] settled = {false};
    a.onDone(
        () -> {
          if (!settled[0]) {
            settled[0] = true;
            attemptDone(a.failureNow(), a.valueNow());
          }
        });
    timer.onDone(
        () -> {
          if (!settled[0]) {
            settled[0] = true;
            attemptDone(
                new TaskTimeoutException(
                    description + " attempt " + attempts + " timed out after " + attemptTimeout),
                null);
          }
        });
  }

  private void attemptDone(RuntimeException failure, T value) {
    if (failure == null) {
      complete(value);
      return;
    }
    if (attempts >= policy.maxAttempts()) {
      fail(failure);
      return;
    }
    Duration delay = policy.delayAfter(attempts);
    if (delay.isZero()) {
      startAttempt();
      return;
    }
    ctx.timerTask(ctx.currentTime().plus(delay)).onDone(this::startAttempt);
  }
}

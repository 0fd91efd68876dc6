package dev.toygres.engine.orchestration;

import java.time.Duration;
import java.util.Objects;

/**
 * Options for one activity call: the retry policy and the timeout of each attempt ({@code null}: no
 * timeout). An attempt that times out counts as failed with {@link TaskTimeoutException}; its late
 * result is ignored.
 */
public record ActivityOptions(RetryPolicy retry, Duration attemptTimeout) {
  public ActivityOptions {
    Objects.requireNonNull(retry, "retry");
    if (attemptTimeout != null && (attemptTimeout.isNegative() || attemptTimeout.isZero())) {
      throw new IllegalArgumentException("attemptTimeout must be positive");
    }
  }

  public static ActivityOptions defaults() {
    return new ActivityOptions(RetryPolicy.none(), null);
  }

  public static ActivityOptions retry(RetryPolicy retry) {
    return new ActivityOptions(retry, null);
  }

  public ActivityOptions withRetry(RetryPolicy retry) {
    return new ActivityOptions(retry, attemptTimeout);
  }

  public ActivityOptions withAttemptTimeout(Duration timeout) {
    return new ActivityOptions(retry, timeout);
  }
}

package dev.toygres.engine.orchestration;

import java.time.Duration;
import java.util.Objects;

/**
 * How an activity (or sub-orchestration) is retried after a failure, with durable timers between
 * attempts. {@code maxAttempts} counts the first attempt; {@code 1} means no retry.
 */
public record RetryPolicy(
    int maxAttempts, Backoff backoff, Duration firstDelay, Duration maxDelay) {

  /** How the delay grows from one attempt to the next. */
  public enum Backoff {
    /** Always {@code firstDelay}. */
    FIXED,
    /** {@code firstDelay * n} before attempt n+1. */
    LINEAR,
    /** {@code firstDelay * 2^(n-1)} before attempt n+1. */
    EXPONENTIAL
  }

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(firstDelay, "firstDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (firstDelay.isNegative() || maxDelay.isNegative()) {
      throw new IllegalArgumentException("retry delays must not be negative");
    }
    if (maxDelay.compareTo(firstDelay) < 0) {
      throw new IllegalArgumentException("maxDelay must not be shorter than firstDelay");
    }
  }

  /** No retry: one attempt. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Backoff.FIXED, Duration.ZERO, Duration.ZERO);
  }

  public static RetryPolicy fixed(int maxAttempts, Duration delay) {
    return new RetryPolicy(maxAttempts, Backoff.FIXED, delay, delay);
  }

  public static RetryPolicy linear(int maxAttempts, Duration step, Duration cap) {
    return new RetryPolicy(maxAttempts, Backoff.LINEAR, step, cap);
  }

  public static RetryPolicy exponential(int maxAttempts, Duration first, Duration cap) {
    return new RetryPolicy(maxAttempts, Backoff.EXPONENTIAL, first, cap);
  }

  /** The delay before attempt {@code failedAttempts + 1}, capped at {@code maxDelay}. */
  public Duration delayAfter(int failedAttempts) {
    if (failedAttempts < 1) {
      throw new IllegalArgumentException("failedAttempts must be at least 1");
    }
    Duration d =
        switch (backoff) {
          case FIXED -> firstDelay;
          case LINEAR -> firstDelay.multipliedBy(failedAttempts);
          case EXPONENTIAL -> firstDelay.multipliedBy(1L << Math.min(failedAttempts - 1, 30));
        };
    return d.compareTo(maxDelay) > 0 ? maxDelay : d;
  }
}

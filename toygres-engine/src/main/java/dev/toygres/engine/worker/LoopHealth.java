package dev.toygres.engine.worker;

import java.time.Instant;
import java.util.Objects;

/**
 * The state of one of a worker's loops (a dispatcher, the lease keeper, the notification listener,
 * the completion writer): when it last made progress (finished a round, whether it found work,
 * failed or waited), and what it is doing now.
 *
 * @param name the loop, e.g. {@code orchestration-dispatcher-0}
 * @param state what the loop does now, e.g. {@code polling}, {@code waiting}, {@code stopped}
 * @param lastProgress when the loop last completed a round
 * @param detail the last error, or null
 */
public record LoopHealth(String name, String state, Instant lastProgress, String detail) {
  public LoopHealth {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastProgress, "lastProgress");
  }
}

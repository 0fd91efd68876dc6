package dev.toygres.controlplane.actor;

import java.time.Duration;
import java.util.Objects;

/**
 * A control plane singleton the doctor reports on: an eternal orchestration under a fixed id that
 * makes progress at least every {@code quietFor} while it works.
 *
 * @param name what it is, e.g. {@code actor-supervisor}
 * @param orchestrationId its fixed orchestration instance id
 * @param quietFor the longest it may go without progress and still be healthy
 */
public record WatchedSingleton(String name, String orchestrationId, Duration quietFor) {
  public WatchedSingleton {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(orchestrationId, "orchestrationId");
    if (quietFor == null || quietFor.isNegative() || quietFor.isZero()) {
      throw new IllegalArgumentException("quietFor must be positive, was " + quietFor);
    }
  }
}

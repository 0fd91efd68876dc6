package dev.toygres.controlplane.cms;

import java.util.Objects;

/** An instance's health as its actor records it: the status and how many probes in a row failed. */
public record Health(HealthStatus status, int consecutiveFailures) {
  public Health {
    Objects.requireNonNull(status, "status");
  }

  /** The health recorded on the instance's row. */
  public static Health of(InstanceRecord r) {
    return new Health(r.healthStatus(), r.consecutiveFailures());
  }

  /**
   * The health after one more probe that found {@code probed}: a healthy probe makes it healthy, a
   * skipped one (a stopped server) unknown, and a failed one counts, turning it unhealthy once
   * {@code failureThreshold} have failed in a row (until then the status stays what it was).
   */
  public Health after(HealthStatus probed, int failureThreshold) {
    return switch (probed) {
      case HEALTHY -> new Health(HealthStatus.HEALTHY, 0);
      case UNHEALTHY -> {
        int failures = consecutiveFailures + 1;
        yield new Health(failures >= failureThreshold ? HealthStatus.UNHEALTHY : status, failures);
      }
      case UNKNOWN -> new Health(HealthStatus.UNKNOWN, 0);
    };
  }
}

package dev.toygres.controlplane.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * What {@code GET /health}, {@code /health/live} and {@code /health/ready} answer with: the
 * server's state as last observed (never computed by blocking on the database), with one entry per
 * component.
 *
 * @param status {@code ok} (ready), {@code unavailable} (running, but the database is unreachable
 *     or the worker is not live) or {@code starting} (starting or stopping)
 * @param live whether every worker loop made progress within the liveness threshold; a process that
 *     is not live should be restarted
 * @param ready whether the server accepts work: started, live and the metadata database reachable
 * @param checkedAt when this report was made
 * @param components the metadata database first, then each worker loop, then anything else watched
 */
public record HealthReport(
    String status, boolean live, boolean ready, Instant checkedAt, List<Component> components) {
  public static final String OK = "ok";
  public static final String UNAVAILABLE = "unavailable";
  public static final String STARTING = "starting";

  /** The component that stands for the metadata database. */
  public static final String DATABASE = "metadata_database";

  /**
   * The component that reports the embedded metadata PostgreSQL's watchdog (absent if external).
   */
  public static final String EMBEDDED_DATABASE = "embedded_postgres";

  /**
   * One watched part of the server.
   *
   * @param name e.g. {@code metadata_database}, {@code orchestration-dispatcher-0}
   * @param state e.g. {@code reachable}, {@code unreachable}, {@code polling}, {@code stalled}
   * @param healthy whether this component counts as working
   * @param lastProgress when it last made progress (a probe answered, a loop finished a round)
   * @param ageSeconds seconds since {@code lastProgress}, or null when never
   * @param detail why it is not healthy, or its last error; never a secret or a URL
   */
  public record Component(
      String name,
      String state,
      boolean healthy,
      Instant lastProgress,
      Double ageSeconds,
      String detail) {
    public Component {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(state, "state");
    }
  }

  public HealthReport {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(checkedAt, "checkedAt");
    components = List.copyOf(components);
  }

  /**
   * Whether the metadata database is known to be unreachable (its component says so): {@code /api}
   * requests then fail at once with 503 instead of waiting for their own timeouts.
   */
  @JsonIgnore
  public boolean databaseUnreachable() {
    return components.stream().anyMatch(c -> c.name().equals(DATABASE) && !c.healthy());
  }

  /**
   * A report from a single "accepts work" flag, without components (for an API served without a
   * health monitor, in tests): ok and live while the flag is set, starting otherwise.
   */
  public static HealthReport fromFlag(BooleanSupplier ready) {
    boolean ok;
    try {
      ok = ready.getAsBoolean();
    } catch (RuntimeException e) {
      ok = false;
    }
    return new HealthReport(ok ? OK : STARTING, ok, ok, Instant.now(), List.of());
  }
}

package dev.toygres.controlplane.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.testkit.TestHttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;

/**
 * HTTP requests with a bound: each must be answered within its time or the test fails, which is how
 * a hang shows. Also how the fault tests wait for readiness to turn, measuring how long it took.
 */
final class Probes {
  /** The bound on the health routes, whatever the database does. */
  static final Duration HEALTH_BOUND = Duration.ofSeconds(2);

  /** The bound on every API request during an outage. */
  static final Duration API_BOUND = Duration.ofSeconds(15);

  private Probes() {}

  /** A response and how long it took. */
  record Timed(TestHttpClient.Response response, Duration took) {
    int status() {
      return response.status();
    }
  }

  /**
   * Sends {@code method path} (no body) and returns its answer.
   *
   * @throws AssertionError if there is none within {@code bound}
   */
  static Timed within(TestHttpClient api, String method, String path, Duration bound) {
    HttpRequest.Builder b =
        api.request(path).timeout(bound).method(method, HttpRequest.BodyPublishers.noBody());
    long start = System.nanoTime();
    try {
      TestHttpClient.Response r = api.send(b);
      return new Timed(r, Duration.ofNanos(System.nanoTime() - start));
    } catch (IllegalStateException e) {
      throw new AssertionError(
          method + " " + path + " was not answered within " + bound + ": " + e.getMessage(), e);
    }
  }

  /** {@code GET /health/ready}'s status, answered within {@link #HEALTH_BOUND}. */
  static int ready(TestHttpClient api) {
    return within(api, "GET", "/health/ready", HEALTH_BOUND).status();
  }

  /**
   * Polls {@code /health/ready} every 500 ms until it answers {@code status}; returns how long that
   * took from {@code sinceNanos} (a {@link System#nanoTime()}).
   *
   * @throws AssertionError if it does not within {@code bound} of {@code sinceNanos}, or a probe
   *     takes longer than {@link #HEALTH_BOUND}
   */
  static Duration awaitReady(TestHttpClient api, int status, long sinceNanos, Duration bound)
      throws InterruptedException {
    int last = -1;
    while (true) {
      last = ready(api);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - sinceNanos);
      if (last == status) {
        return elapsed;
      }
      if (elapsed.compareTo(bound) > 0) {
        throw new AssertionError(
            "/health/ready still answered " + last + ", not " + status + ", after " + elapsed);
      }
      Thread.sleep(500);
    }
  }

  /**
   * Each request (method and path, such as {@code GET /api/instances}) answers within {@link
   * #API_BOUND} with 503 and a JSON error; returns the longest time one took.
   */
  static Duration assertUnavailable(TestHttpClient api, List<String> requests) {
    Duration longest = Duration.ZERO;
    for (String request : requests) {
      String[] parts = request.split(" ", 2);
      Timed t = within(api, parts[0], parts[1], API_BOUND);
      assertThat(t.status()).as(request + ": " + t.response().raw()).isEqualTo(503);
      assertThat(t.response().error()).as(request + " has a JSON error").isNotBlank();
      if (t.took().compareTo(longest) > 0) {
        longest = t.took();
      }
    }
    return longest;
  }

  /** Prints one greppable line of measured times for the table in docs/faults.md. */
  static void report(String fault, Duration detection, Duration recovery, String more) {
    System.out.printf(
        "FAULT-TIMES fault=%s detection_s=%.1f recovery_s=%.1f %s%n",
        fault, seconds(detection), seconds(recovery), more);
  }

  static double seconds(Duration d) {
    return d == null ? Double.NaN : d.toMillis() / 1000.0;
  }
}

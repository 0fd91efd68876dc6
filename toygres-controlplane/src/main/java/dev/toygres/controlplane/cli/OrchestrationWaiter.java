package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.config.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Set;

/**
 * Waits for an orchestration to end by polling {@code GET /api/orchestrations/{id}}, showing its
 * custom status on stderr as it changes.
 */
final class OrchestrationWaiter {
  static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  private static final Duration SPIN = Duration.ofMillis(100);
  private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

  /** The orchestration as last read (raw and parsed) and how long the wait took. */
  record Outcome(ApiClient.Response response, JsonNode orchestration, Duration elapsed) {
    String status() {
      return JsonText.text(orchestration, "status");
    }

    boolean completed() {
      return "completed".equals(status());
    }

    /** Why it failed or was cancelled, as the engine recorded it. */
    String error() {
      JsonNode e = orchestration.get("error");
      if (e == null || e.isNull()) {
        return null;
      }
      return e.isObject() && e.hasNonNull("message")
          ? e.get("message").asText()
          : JsonText.display(e);
    }
  }

  private final ApiClient api;
  private final Progress progress;
  private final boolean tty;

  OrchestrationWaiter(ApiClient api, PrintWriter err, boolean tty) {
    this.api = api;
    this.tty = tty;
    this.progress = new Progress(err, tty);
  }

  /** Polls until the orchestration is completed, failed or cancelled, or the timeout passes. */
  Outcome await(String id, Duration timeout) {
    long start = System.nanoTime();
    String path = "/api/orchestrations/" + ApiClient.segment(id);
    long nextPoll = start;
    ApiClient.Response r = null;
    JsonNode o = null;
    try {
      while (true) {
        long now = System.nanoTime();
        Duration elapsed = Duration.ofNanos(now - start);
        if (now >= nextPoll) {
          r = api.get(path);
          o = r.json();
          nextPoll = now + POLL_INTERVAL.toNanos();
          if (TERMINAL.contains(JsonText.text(o, "status"))) {
            progress.update(elapsed, describe(o));
            return new Outcome(r, o, elapsed);
          }
        }
        progress.update(elapsed, describe(o));
        if (elapsed.compareTo(timeout) >= 0) {
          throw CliException.local(
              "gave up waiting after "
                  + Durations.format(timeout)
                  + ": orchestration "
                  + id
                  + " is still "
                  + describe(o)
                  + "; it goes on in the server (follow it with:"
                  + " toygres orchestrations get "
                  + id
                  + ")");
        }
        sleep(tty ? SPIN : POLL_INTERVAL);
      }
    } finally {
      progress.finish();
    }
  }

  /** The custom status if there is one, else the engine's status. */
  private static String describe(JsonNode o) {
    if (o == null) {
      return null;
    }
    String custom = JsonText.display(o.get("custom_status"));
    String status = JsonText.text(o, "status");
    if ("failed".equals(status) || "cancelled".equals(status)) {
      return status;
    }
    return custom != null ? custom : status;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.local("interrupted while waiting", e);
    }
  }
}

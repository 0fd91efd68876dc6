package dev.toygres.controlplane.api;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /health}, {@code /health/ready} and {@code /health/live}: public, answered from the
 * cached {@link HealthReport} (never waiting on the database). Ready (and {@code /health}): 200
 * when the server accepts work, 503 while starting or stopping, while the metadata database is
 * unreachable, or while the worker is not live. Live: 200 unless a worker loop has not made
 * progress within the liveness threshold (or the server is stopping), 503 then.
 */
final class HealthHandler {
  private final Supplier<HealthReport> health;

  HealthHandler(Supplier<HealthReport> health) {
    this.health = health;
  }

  void ready(Context ctx) {
    HealthReport r = report();
    ctx.status(r.ready() ? 200 : 503).json(r);
  }

  void live(Context ctx) {
    HealthReport r = report();
    ctx.status(r.live() ? 200 : 503).json(r);
  }

  private HealthReport report() {
    try {
      HealthReport r = health.get();
      if (r != null) {
        return r;
      }
    } catch (RuntimeException e) {
      // a broken monitor must not break the health check; it reports the server not ready
    }
    return new HealthReport(HealthReport.STARTING, false, false, Instant.now(), List.of());
  }
}

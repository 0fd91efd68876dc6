package dev.toygres.controlplane.api;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's meters: {@code toygres_http_requests_seconds} by method, route template and status, and
 * {@code toygres_api_errors_total} by status. Routes are templates ({@code /api/instances/{name}}),
 * and requests that reach no route (unknown paths, and requests refused before routing: a missing
 * token, a declared body over the limit) share the tag {@code unmatched}, so the number of series
 * stays bounded.
 */
final class HttpMetrics {
  private static final Logger log = LoggerFactory.getLogger(HttpMetrics.class);
  static final String UNMATCHED = "unmatched";
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  HttpMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one finished request; called by Javalin's request logger. Never logs the body. */
  void requestDone(Context ctx, float millis) {
    String route = route(ctx);
    int status = ctx.statusCode();
    Timer.builder("toygres.http.requests")
        .description("HTTP requests served by the API")
        .tag("method", ctx.method().name())
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .register(registry)
        .record(Duration.ofNanos((long) (millis * 1_000_000)));
    log.debug("{} {} ({}) -> {} in {} ms", ctx.method(), ctx.path(), route, status, millis);
  }

  void countError(int status) {
    Counter.builder("toygres.api.errors")
        .description("API requests answered with an error, by status")
        .tag("status", Integer.toString(status))
        .register(registry)
        .increment();
  }

  /** {@code GET /metrics}: the registry in Prometheus text format. */
  void scrape(Context ctx) {
    ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape());
  }

  private static String route(Context ctx) {
    String path;
    try {
      path = ctx.endpointHandlerPath();
    } catch (RuntimeException e) {
      return UNMATCHED;
    }
    return path == null || path.isEmpty() || path.contains("*") ? UNMATCHED : path;
  }
}

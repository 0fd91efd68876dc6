package dev.toygres.controlplane.api;

import dev.toygres.controlplane.ToygresException;
import dev.toygres.controlplane.cms.NameTakenException;
import dev.toygres.engine.client.OrchestrationAlreadyExistsException;
import dev.toygres.engine.client.OrchestrationNotFoundException;
import dev.toygres.engine.client.OrchestrationNotRunningException;
import dev.toygres.engine.client.OrchestrationStillRunningException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become responses: every error is {@code {"error": message}} with
 * the status the exception stands for. Unexpected exceptions are logged here with their stack trace
 * and answered with a generic 500; no stack trace or exception class ever reaches a client.
 */
final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
  static final String INTERNAL = "internal server error; see the server log";

  private final HttpMetrics metrics;

  ApiErrors(HttpMetrics metrics) {
    this.metrics = metrics;
  }

  /** The status and client-facing message for an exception. */
  record Mapped(int status, String message) {}

  static Mapped map(Exception e) {
    if (e instanceof ToygresException t) {
      return new Mapped(t.status(), t.getMessage());
    }
    if (e instanceof OrchestrationNotFoundException) {
      return new Mapped(404, e.getMessage());
    }
    if (e instanceof OrchestrationAlreadyExistsException
        || e instanceof OrchestrationStillRunningException
        || e instanceof OrchestrationNotRunningException
        || e instanceof NameTakenException) {
      return new Mapped(409, e.getMessage());
    }
    if (e instanceof IllegalArgumentException) {
      return new Mapped(400, e.getMessage());
    }
    if (e instanceof HttpResponseException h) {
      return new Mapped(h.getStatus(), routingMessage(h.getStatus()));
    }
    return new Mapped(500, INTERNAL);
  }

  /** Javalin's exception handler for every exception a handler or filter throws. */
  void handle(Exception e, Context ctx) {
    Mapped m = map(e);
    if (m.status() >= 500) {
      log.error("{} {} failed", ctx.method(), ctx.path(), e);
    } else {
      log.debug("{} {} -> {}: {}", ctx.method(), ctx.path(), m.status(), m.message());
    }
    String message = m.message() == null || m.message().isBlank() ? "error" : m.message();
    if (m.status() == 401) {
      ctx.header("WWW-Authenticate", "Bearer");
    }
    metrics.countError(m.status());
    AuditTrail.error(ctx, message);
    ctx.status(m.status()).json(Map.of("error", message));
  }

  private static String routingMessage(int status) {
    return switch (status) {
      case 404 -> "no such route";
      case 405 -> "method not allowed on this route";
      case 413 -> "request body is too large";
      default -> "request failed with status " + status;
    };
  }
}

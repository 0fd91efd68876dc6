package dev.toygres.controlplane.api;

import dev.toygres.controlplane.ConflictException;
import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.ToygresException;
import dev.toygres.controlplane.access.AuthenticationException;
import dev.toygres.controlplane.access.NoTokenStoreException;
import dev.toygres.controlplane.access.PermissionDeniedException;
import dev.toygres.controlplane.cms.CmsException;
import dev.toygres.controlplane.cms.CmsUnavailableException;
import dev.toygres.controlplane.config.ConfigurationException;
import dev.toygres.controlplane.dataplane.DataPlaneException;
import dev.toygres.controlplane.dataplane.NoFreePortException;
import dev.toygres.controlplane.secret.SecretException;
import dev.toygres.engine.client.OrchestrationAlreadyExistsException;
import dev.toygres.engine.client.OrchestrationNotFoundException;
import dev.toygres.engine.client.OrchestrationNotRunningException;
import dev.toygres.engine.client.OrchestrationStillRunningException;
import dev.toygres.engine.store.StoreUnavailableException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become responses: every error is {@code {"error": message}} with
 * the status the exception stands for; no other code knows the status of an error:
 *
 * <ul>
 *   <li>400 {@link InvalidRequestException}; 413 its {@link BodyTooLargeException}
 *   <li>401 {@link AuthenticationException}; 403 {@link PermissionDeniedException}
 *   <li>404 {@link NotFoundException}, the engine's {@link OrchestrationNotFoundException}
 *   <li>409 {@link ConflictException} (state conflicts, taken names), the engine's already-exists,
 *       still-running and not-running
 *   <li>501 {@link NoTokenStoreException}; 503 {@link NoFreePortException}
 *   <li>503 with {@link #UNAVAILABLE} and {@code Retry-After}: the metadata database is out of
 *       reach or did not answer in time ({@link CmsUnavailableException}, the engine's {@link
 *       StoreUnavailableException}, {@link DatabaseUnavailableException} from the fail-fast filter,
 *       a pool timeout anywhere in the causes)
 *   <li>500 with their message: the other control plane errors ({@link DataPlaneException}, {@link
 *       SecretException})
 *   <li>500 with {@link #INTERNAL}: {@link CmsException}, {@link ConfigurationException} and any
 *       other exception (an {@link IllegalArgumentException} from deep code is a bug too)
 *   <li>Javalin's routing errors: their status, with a fixed text
 * </ul>
 *
 * <p>Server errors are logged here with their stack trace; no stack trace or exception class ever
 * reaches a client.
 */
final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
  static final String INTERNAL = "internal server error; see the server log";

  /** Set on a request that failed because the metadata database is out of reach. */
  static final String DATABASE_UNAVAILABLE = "toygres.database-unavailable";

  static final String UNAVAILABLE =
      "the metadata database is unavailable; nothing was changed, try again later";

  /** Seconds a client is asked to wait before retrying while the metadata database is out. */
  static final String RETRY_AFTER_SECONDS = "5";

  private final HttpMetrics metrics;

  ApiErrors(HttpMetrics metrics) {
    this.metrics = metrics;
  }

  /** The status and client-facing message for an exception. */
  record Mapped(int status, String message) {}

  static Mapped map(Exception e) {
    int status = status(e);
    if (e instanceof HttpResponseException) {
      return new Mapped(status, routingMessage(status));
    }
    if (databaseUnavailable(e)) {
      return new Mapped(status, UNAVAILABLE);
    }
    return new Mapped(status, tellsClient(e, status) ? e.getMessage() : INTERNAL);
  }

  /**
   * Whether the client reads the exception's own message: every 4xx, and the control plane's own
   * failures, which say what failed and what to do; never the CMS's SQL, the server's
   * configuration, or anything unexpected.
   */
  private static boolean tellsClient(Exception e, int status) {
    return status < 500
        || (e instanceof ToygresException
            && !(e instanceof CmsException)
            && !(e instanceof ConfigurationException));
  }

  /** Whether the exception, or one of its causes, says the metadata database is out of reach. */
  static boolean databaseUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CmsUnavailableException
          || t instanceof StoreUnavailableException
          || t instanceof DatabaseUnavailableException
          || t instanceof SQLTransientConnectionException) {
        return true;
      }
    }
    return false;
  }

  private static int status(Exception e) {
    if (databaseUnavailable(e)) {
      return 503;
    }
    if (e instanceof BodyTooLargeException) {
      return 413;
    }
    if (e instanceof InvalidRequestException) {
      return 400;
    }
    if (e instanceof AuthenticationException) {
      return 401;
    }
    if (e instanceof PermissionDeniedException) {
      return 403;
    }
    if (e instanceof NotFoundException || e instanceof OrchestrationNotFoundException) {
      return 404;
    }
    if (e instanceof ConflictException
        || e instanceof OrchestrationAlreadyExistsException
        || e instanceof OrchestrationStillRunningException
        || e instanceof OrchestrationNotRunningException) {
      return 409;
    }
    if (e instanceof NoTokenStoreException) {
      return 501;
    }
    if (e instanceof NoFreePortException) {
      return 503;
    }
    if (e instanceof HttpResponseException h) {
      return h.getStatus();
    }
    return 500;
  }

  /** Javalin's exception handler for every exception a handler or filter throws. */
  void handle(Exception e, Context ctx) {
    Mapped m = map(e);
    boolean unavailable = databaseUnavailable(e);
    if (unavailable) {
      log.warn(
          "{} {} failed: metadata database unavailable: {}",
          ctx.method(),
          ctx.path(),
          e.toString());
      ctx.header("Retry-After", RETRY_AFTER_SECONDS);
      ctx.attribute(DATABASE_UNAVAILABLE, true);
    } else if (m.status() >= 500) {
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

  /** Whether the request failed because the metadata database is out of reach. */
  static boolean failedUnavailable(Context ctx) {
    return Boolean.TRUE.equals(ctx.attribute(DATABASE_UNAVAILABLE));
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

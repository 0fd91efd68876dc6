package dev.toygres.controlplane.api;

import dev.toygres.controlplane.access.Caller;
import dev.toygres.controlplane.access.TokenNames;
import dev.toygres.controlplane.cms.AuditLog;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one audit row for every request that may change something: every method but GET and HEAD
 * on {@code /api/*}, and {@code POST /ui/login} and {@code /ui/logout}, whether it succeeded, was
 * refused or failed. It runs from Javalin's request logger, which comes after the exception
 * handlers and sees the final status, and writes the row before the request's thread returns the
 * (buffered) response to the client, so a change a client saw acknowledged has its row even if the
 * server dies right after. A row that cannot be written is logged as an error (its action, target
 * and who, never a body or a secret).
 */
final class AuditTrail implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
  private static final String TARGET = "toygres.audit.target";
  private static final String ERROR = "toygres.audit.error";
  private static final int MAX_TARGET = 256;

  private final AuditLog audit;

  /** A trail writing to {@code audit}; null writes nothing. */
  AuditTrail(AuditLog audit) {
    this.audit = audit;
  }

  /** Names the request's target when the path does not (a create's name from its body). */
  static void target(Context ctx, String target) {
    if (target != null && !target.isBlank()) {
      ctx.attribute(
          TARGET, target.length() <= MAX_TARGET ? target : target.substring(0, MAX_TARGET));
    }
  }

  /** Keeps the error message sent to the client, for the request's audit row. */
  static void error(Context ctx, String message) {
    ctx.attribute(ERROR, message);
  }

  /** Whether a request with this method and path gets an audit row. */
  static boolean audited(String method, String path) {
    if (ApiPaths.isRead(method)) {
      return false;
    }
    String p = ApiPaths.normalize(path, true);
    return ApiPaths.isUnder(path, "/api") || p.equals("/ui/login") || p.equals("/ui/logout");
  }

  /** {@code ok} for 2xx, {@code denied} for 401 and 403, {@code failed} for anything else. */
  static String result(int status) {
    if (status >= 200 && status < 300) {
      return "ok";
    }
    return status == 401 || status == 403 ? "denied" : "failed";
  }

  /** The row for a finished request (pure, for tests). */
  static AuditLog.Entry entry(
      String method, String path, int status, Caller caller, String target, String error) {
    AuditActions.Action a = AuditActions.of(method, path);
    return new AuditLog.Entry(
        caller == null ? TokenNames.ANONYMOUS : caller.name(),
        a.name(),
        a.target() != null ? a.target() : target,
        result(status),
        status,
        error);
  }

  /** Called by the request logger once the response is final. Never throws. */
  void requestDone(Context ctx) {
    if (audit == null) {
      return;
    }
    try {
      String method = ctx.method().name();
      String path = ctx.path();
      if (!audited(method, path)) {
        return;
      }
      AuditLog.Entry e =
          entry(
              method,
              path,
              ctx.statusCode(),
              BearerAuth.callerOrNull(ctx),
              ctx.attribute(TARGET),
              ctx.attribute(ERROR));
      write(e);
    } catch (RuntimeException e) {
      log.error("audit log: cannot record {} {}", ctx.method(), ctx.path(), e);
    }
  }

  private void write(AuditLog.Entry e) {
    try {
      audit.write(e);
    } catch (RuntimeException ex) {
      log.error(
          "audit log: cannot write the row for {} on {} by {} ({}): {}",
          e.action(),
          e.target(),
          e.actor(),
          e.result(),
          ex.getMessage());
    }
  }

  /** Nothing to release: rows are written as requests finish. */
  @Override
  public void close() {}
}

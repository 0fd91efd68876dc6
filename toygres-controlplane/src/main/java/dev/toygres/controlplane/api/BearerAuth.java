package dev.toygres.controlplane.api;

import dev.toygres.controlplane.access.ApiUsers;
import dev.toygres.controlplane.access.AuthenticationException;
import dev.toygres.controlplane.access.Caller;
import dev.toygres.controlplane.access.PermissionDeniedException;
import dev.toygres.controlplane.cms.UiSessions;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Checks every {@code /api/*} request, before any route (so unknown routes do not reveal themselves
 * either): {@code Authorization: Bearer <API token>}, or the web console's session cookie, whose
 * token must still exist with the same secret. Then the caller's role must allow the request
 * ({@link Permissions}), else 403. A request authenticated by the cookie that changes anything must
 * also carry {@link #CSRF_HEADER} (a cross-site form or script cannot set a custom header without a
 * CORS preflight, which this API never grants) and, if it has an {@code Origin}, come from this
 * server's own origin. The caller is kept on the request for the handlers and the audit log.
 */
final class BearerAuth {
  static final String CSRF_HEADER = "X-Requested-By";
  static final String CSRF_VALUE = "toygres-ui";
  private static final String PREFIX = "bearer ";
  private static final String CALLER = "toygres.caller";
  private final ApiUsers users;
  private final UiSessions sessions;

  BearerAuth(ApiUsers users, UiSessions sessions) {
    this.users = users;
    this.sessions = sessions;
  }

  ApiUsers users() {
    return users;
  }

  /** A before-handler: 401 unless the request carries a valid token or session, 403 if refused. */
  void check(Context ctx) {
    Caller caller = authenticate(ctx);
    Optional<String> refusal = Permissions.refusal(caller, ctx.method().name(), ctx.path());
    if (refusal.isPresent()) {
      throw new PermissionDeniedException(refusal.get());
    }
  }

  /**
   * The caller of a request (kept on it for {@link #caller}); 401 without a valid token or session,
   * 403 for a cookie request that changes something without the console's header and origin.
   */
  Caller authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String session = ctx.cookie(SessionHandlers.COOKIE);
    if (header == null && session != null && sessions != null) {
      Caller caller =
          sessionCaller(session)
              .orElseThrow(
                  () -> new AuthenticationException("session expired or logged out; log in again"));
      remember(ctx, caller);
      checkConsoleOrigin(ctx);
      return caller;
    }
    if (header == null || header.length() <= PREFIX.length()) {
      throw new AuthenticationException("missing bearer token (Authorization: Bearer <token>)");
    }
    if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new AuthenticationException("authorization must use the Bearer scheme");
    }
    Caller caller =
        users
            .authenticate(header.substring(PREFIX.length()).trim())
            .orElseThrow(() -> new AuthenticationException("invalid bearer token"));
    remember(ctx, caller);
    return caller;
  }

  /** The caller of a console session, if the session is live and its token still valid. */
  Optional<Caller> sessionCaller(String session) {
    if (sessions == null) {
      return Optional.empty();
    }
    return sessions.find(session).flatMap(s -> users.verify(s.tokenName(), s.tokenHash()));
  }

  static void remember(Context ctx, Caller caller) {
    ctx.attribute(CALLER, caller);
  }

  /** The caller {@link #check} let through; only for handlers behind it. */
  static Caller caller(Context ctx) {
    Caller c = callerOrNull(ctx);
    if (c == null) {
      throw new IllegalStateException("no authenticated caller on " + ctx.path());
    }
    return c;
  }

  /** The request's caller, or null when it was not (or not yet) authenticated. */
  static Caller callerOrNull(Context ctx) {
    return ctx.attribute(CALLER);
  }

  private static void checkConsoleOrigin(Context ctx) {
    if (ApiPaths.isRead(ctx.method().name())) {
      return;
    }
    if (!CSRF_VALUE.equals(ctx.header(CSRF_HEADER))) {
      throw new PermissionDeniedException(
          "missing "
              + CSRF_HEADER
              + " header: changes through the session cookie must come from the web console");
    }
    String origin = ctx.header("Origin");
    if (origin != null && !origin.equals(ctx.scheme() + "://" + ctx.host())) {
      throw new PermissionDeniedException("cross-origin request refused");
    }
  }
}

package dev.toygres.controlplane.api;

import dev.toygres.controlplane.ToygresException;
import dev.toygres.controlplane.cms.UiSessions;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks every {@code /api/*} request, before any route (so unknown routes do not reveal themselves
 * either): {@code Authorization: Bearer <admin token>}, or the web console's session cookie. Tokens
 * are compared as SHA-256 digests with {@link MessageDigest#isEqual}, which takes the same time
 * whatever the token's content or length. A request authenticated by the cookie that changes
 * anything must also carry {@link #CSRF_HEADER} (a cross-site form or script cannot set a custom
 * header without a CORS preflight, which this API never grants) and, if it has an {@code Origin},
 * come from this server's own origin.
 */
final class BearerAuth {
  static final String CSRF_HEADER = "X-Requested-By";
  static final String CSRF_VALUE = "toygres-ui";
  private static final String PREFIX = "bearer ";
  private final byte[] expected;
  private final UiSessions sessions;

  BearerAuth(String adminToken, UiSessions sessions) {
    this.expected = digest(adminToken);
    this.sessions = sessions;
  }

  /** Whether {@code token} is the admin token. */
  boolean isAdminToken(String token) {
    return token != null && MessageDigest.isEqual(expected, digest(token));
  }

  /** A before-handler: throws a 401 unless the request carries the admin token or a session. */
  void check(Context ctx) {
    String header = ctx.header("Authorization");
    String session = ctx.cookie(SessionHandlers.COOKIE);
    if (header == null && session != null && sessions != null) {
      checkSession(ctx, session);
      return;
    }
    if (header == null || header.length() <= PREFIX.length()) {
      throw new ToygresException(401, "missing bearer token (Authorization: Bearer <token>)");
    }
    if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new ToygresException(401, "authorization must use the Bearer scheme");
    }
    String token = header.substring(PREFIX.length()).trim();
    if (!MessageDigest.isEqual(expected, digest(token))) {
      throw new ToygresException(401, "invalid bearer token");
    }
  }

  private void checkSession(Context ctx, String session) {
    if (!sessions.isValid(session)) {
      throw new ToygresException(401, "session expired or logged out; log in again");
    }
    String method = ctx.method().name();
    if (method.equals("GET") || method.equals("HEAD")) {
      return;
    }
    if (!CSRF_VALUE.equals(ctx.header(CSRF_HEADER))) {
      throw new ToygresException(
          403,
          "missing "
              + CSRF_HEADER
              + " header: changes through the session cookie must come from the web console");
    }
    String origin = ctx.header("Origin");
    if (origin != null && !origin.equals(ctx.scheme() + "://" + ctx.host())) {
      throw new ToygresException(403, "cross-origin request refused");
    }
  }

  private static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

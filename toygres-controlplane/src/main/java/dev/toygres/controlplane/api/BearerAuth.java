package dev.toygres.controlplane.api;

import dev.toygres.controlplane.ToygresException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks {@code Authorization: Bearer <admin token>} on every {@code /api/*} request, before any
 * route (so unknown routes do not reveal themselves either). Tokens are compared as SHA-256 digests
 * with {@link MessageDigest#isEqual}, which takes the same time whatever the token's content or
 * length.
 */
final class BearerAuth {
  private static final String PREFIX = "bearer ";
  private final byte[] expected;

  BearerAuth(String adminToken) {
    this.expected = digest(adminToken);
  }

  /** A before-handler: throws a 401 unless the request carries the admin token. */
  void check(Context ctx) {
    String header = ctx.header("Authorization");
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

  private static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

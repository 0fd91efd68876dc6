package dev.toygres.controlplane.cms;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Web console sessions. A session id is 32 random bytes given to the browser once; the database
 * keeps only its SHA-256, so neither a database dump nor a log reveals a usable cookie. Each
 * session remembers the API token that logged in (its name and the SHA-256 of its secret), so the
 * caller can refuse it once that token is revoked or changed. Sessions are shared by every server
 * on the database and end at logout, expiry, or when their token is revoked.
 */
public final class UiSessions {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final DataSource ds;
  private final Duration lifetime;

  public UiSessions(DataSource ds, Duration lifetime) {
    this.ds = ds;
    this.lifetime = lifetime;
  }

  public Duration lifetime() {
    return lifetime;
  }

  /** A live session: the name of the token that logged in and the SHA-256 of its secret. */
  public record Session(String tokenName, byte[] tokenHash) {}

  /**
   * Creates a session for the token named {@code tokenName} whose secret has the SHA-256 {@code
   * tokenHash}, and returns its id (to be set as the cookie).
   */
  public String create(String tokenName, byte[] tokenHash) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String id = HexFormat.of().formatHex(raw);
    Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  INSERT INTO toygres_cms.ui_sessions (id_hash, expires_at, token_name, token_hash)
                  VALUES (?, ?, ?, ?)""")) {
            ps.setBytes(1, hash(id));
            ps.setTimestamp(2, Timestamp.from(Instant.now().plus(lifetime)));
            ps.setString(3, tokenName);
            ps.setBytes(4, tokenHash);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM toygres_cms.ui_sessions WHERE expires_at < now()")) {
            ps.executeUpdate();
          }
          return null;
        });
    return id;
  }

  /**
   * The live (not ended, not expired) session with this id, if any. Whether its token is still
   * valid is for the caller to check.
   */
  public Optional<Session> find(String id) {
    if (id == null || id.length() != 64) {
      return Optional.empty();
    }
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  SELECT token_name, token_hash FROM toygres_cms.ui_sessions
                  WHERE id_hash = ? AND expires_at > now()""")) {
            ps.setBytes(1, hash(id));
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(new Session(rs.getString(1), rs.getBytes(2)))
                  : Optional.empty();
            }
          }
        });
  }

  /** Ends a session (logout); unknown ids are ignored. */
  public void end(String id) {
    if (id == null) {
      return;
    }
    Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM toygres_cms.ui_sessions WHERE id_hash = ?")) {
            ps.setBytes(1, hash(id));
            return ps.executeUpdate();
          }
        });
  }

  private static byte[] hash(String id) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

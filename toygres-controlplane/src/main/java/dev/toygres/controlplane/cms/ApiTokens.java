package dev.toygres.controlplane.cms;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The API tokens table: a name, a role, the SHA-256 of the secret (never the secret), and who made
 * it when. Revoking a token deletes it and its console sessions in one transaction.
 */
public final class ApiTokens {
  private final DataSource ds;

  public ApiTokens(DataSource ds) {
    this.ds = ds;
  }

  /** A stored token, without its hash. */
  public record Row(String name, String role, Instant createdAt, String createdBy) {}

  /**
   * Inserts a token; returns it as stored, or empty if a token with that name exists already.
   * {@code tokenHash} is the SHA-256 of the secret.
   */
  public Optional<Row> insert(String name, String role, byte[] tokenHash, String createdBy) {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  INSERT INTO toygres_cms.api_tokens (name, role, token_hash, created_by)
                  VALUES (?, ?, ?, ?)
                  ON CONFLICT (name) DO NOTHING
                  RETURNING name, role, created_at, created_by""")) {
            ps.setString(1, name);
            ps.setString(2, role);
            ps.setBytes(3, tokenHash);
            ps.setString(4, createdBy);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
          }
        });
  }

  /** Every stored token, by name. */
  public List<Row> list() {
    return Db.auto(
        ds,
        c -> {
          List<Row> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      """
                      SELECT name, role, created_at, created_by
                      FROM toygres_cms.api_tokens ORDER BY name""");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(row(rs));
            }
          }
          return out;
        });
  }

  /** The token whose secret has this SHA-256, if any. */
  public Optional<Row> findByHash(byte[] tokenHash) {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  SELECT name, role, created_at, created_by
                  FROM toygres_cms.api_tokens WHERE token_hash = ?""")) {
            ps.setBytes(1, tokenHash);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
          }
        });
  }

  /** Deletes a token and ends its console sessions; returns whether it existed. */
  public boolean delete(String name) {
    return Db.tx(
        ds,
        c -> {
          int deleted;
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM toygres_cms.api_tokens WHERE name = ?")) {
            ps.setString(1, name);
            deleted = ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM toygres_cms.ui_sessions WHERE token_name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
          }
          return deleted > 0;
        });
  }

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(
        rs.getString("name"),
        rs.getString("role"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("created_by"));
  }
}

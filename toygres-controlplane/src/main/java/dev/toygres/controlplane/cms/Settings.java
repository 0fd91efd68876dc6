package dev.toygres.controlplane.cms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The control plane's own settings ({@code toygres_cms.settings}): one text value per key, shared
 * by every server on the database. A value is written once and never overwritten, so servers
 * starting at once agree on the first one written.
 */
public final class Settings {
  /** The fingerprint of the secret key that sealed the stored secrets. */
  public static final String SECRET_KEY_FINGERPRINT = "secret_key_fingerprint";

  private final DataSource ds;

  public Settings(DataSource ds) {
    this.ds = ds;
  }

  /** The value stored under {@code key}, if any. */
  public Optional<String> get(String key) {
    return Db.auto(ds, c -> read(c, key));
  }

  /**
   * Stores {@code value} under {@code key} unless a value is there already, and returns the value
   * stored afterwards: {@code value}, or the one another server wrote first.
   */
  public String putIfAbsent(String key, String value) {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  INSERT INTO toygres_cms.settings (key, value) VALUES (?, ?)
                  ON CONFLICT (key) DO NOTHING""")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
          }
          // A new statement sees the row of a concurrent insert that made ours do nothing.
          return read(c, key)
              .orElseThrow(() -> new IllegalStateException("setting " + key + " vanished"));
        });
  }

  private static Optional<String> read(Connection c, String key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT value FROM toygres_cms.settings WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }
}

package dev.toygres.controlplane.server;

import dev.toygres.controlplane.cms.CmsUnavailableException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The metadata database's clock ({@code SELECT now()}): the one clock the doctor measures ages
 * against, since every timestamp it compares was written with the database's {@code now()}.
 */
final class DatabaseClock implements Supplier<Instant> {
  private final DataSource ds;

  DatabaseClock(DataSource ds) {
    this.ds = ds;
  }

  @Override
  public Instant get() {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT now()")) {
      rs.next();
      return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
    } catch (SQLException e) {
      throw new CmsUnavailableException("cannot read the metadata database's clock: " + e, e);
    }
  }
}

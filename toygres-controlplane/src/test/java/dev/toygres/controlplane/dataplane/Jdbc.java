package dev.toygres.controlplane.dataplane;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Tiny JDBC helpers for the data plane tests. */
final class Jdbc {

  private Jdbc() {}

  static String url(ServerInfo info) {
    return "jdbc:postgresql://" + info.host() + ":" + info.port() + "/postgres?connectTimeout=10";
  }

  static String query(ServerInfo info, String user, String password, String sql)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(url(info), user, password);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static void execute(ServerInfo info, String user, String password, String... statements)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(url(info), user, password);
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }
}

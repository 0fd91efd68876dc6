package dev.toygres.controlplane.dataplane;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.util.PasswordUtil;

/**
 * Creates and keeps up the roles of an instance ({@link ControlRoles}), run as the control plane's
 * superuser. Every step is idempotent. Passwords are sent only as SCRAM verifiers computed here, so
 * no password ever appears in a statement the server could log.
 */
final class InstanceRoles {
  private InstanceRoles() {}

  /**
   * The control plane's database, the monitoring role and the tenant role with the attributes it
   * should have. Connected as the superuser to a database other than {@code template0}.
   *
   * @param tenantPassword the tenant's password to set, or null to leave its password as it is
   */
  static void apply(
      Connection c, String tenant, String tenantPassword, String monitorPassword, int major)
      throws SQLException {
    if (!exists(
        c, "SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?", ControlRoles.DATABASE)) {
      execute(
          c,
          "CREATE DATABASE "
              + ident(ControlRoles.DATABASE)
              + " OWNER "
              + ident(ControlRoles.SUPERUSER)
              + " TEMPLATE template0");
    }
    execute(c, "REVOKE ALL ON DATABASE " + ident(ControlRoles.DATABASE) + " FROM PUBLIC");
    upsertRole(
        c,
        ControlRoles.MONITOR,
        "LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
            + " CONNECTION LIMIT 5");
    execute(
        c,
        "ALTER ROLE "
            + ident(ControlRoles.MONITOR)
            + " PASSWORD "
            + literal(ControlRoles.monitorScramSecret(monitorPassword)));
    execute(c, "GRANT pg_monitor TO " + ident(ControlRoles.MONITOR));
    execute(
        c,
        "GRANT CONNECT ON DATABASE "
            + ident(ControlRoles.DATABASE)
            + " TO "
            + ident(ControlRoles.MONITOR));
    boolean safeCreateRole = major >= ControlRoles.SAFE_CREATEROLE_VERSION;
    upsertRole(
        c,
        tenant,
        "LOGIN INHERIT NOSUPERUSER CREATEDB "
            + (safeCreateRole ? "CREATEROLE" : "NOCREATEROLE")
            + " NOREPLICATION NOBYPASSRLS");
    if (tenantPassword != null) {
      execute(c, "ALTER ROLE " + ident(tenant) + " PASSWORD " + verifier(tenantPassword));
    }
    if (safeCreateRole) {
      // Roles the tenant creates are usable at once (SET ROLE, inherited privileges).
      execute(c, "ALTER ROLE " + ident(tenant) + " SET createrole_self_grant = 'set, inherit'");
    }
    if (exists(
        c,
        """
        SELECT 1 FROM pg_catalog.pg_database d JOIN pg_catalog.pg_roles r ON r.oid = d.datdba
        WHERE d.datname = 'postgres' AND (d.datdba = 10 OR r.rolname = ?)""",
        ControlRoles.SUPERUSER)) {
      execute(c, "ALTER DATABASE postgres OWNER TO " + ident(tenant));
    }
  }

  /** Sets the password of {@code role} to {@code password} (as a SCRAM verifier). */
  static void setPassword(Connection c, String role, String password) throws SQLException {
    if (!exists(c, "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?", role)) {
      throw new SQLException("role " + role + " does not exist on the instance");
    }
    execute(c, "ALTER ROLE " + ident(role) + " PASSWORD " + verifier(password));
  }

  static void upsertRole(Connection c, String role, String attributes) throws SQLException {
    if (exists(c, "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?", role)) {
      execute(c, "ALTER ROLE " + ident(role) + " WITH " + attributes);
    } else {
      execute(c, "CREATE ROLE " + ident(role) + " WITH " + attributes);
    }
  }

  static boolean exists(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** A quoted identifier; role names are checked ({@link ControlRoles#tenantUser}) before. */
  static String ident(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** The SCRAM-SHA-256 verifier of {@code password}, as a SQL literal. */
  static String verifier(String password) {
    return literal(PasswordUtil.encodeScramSha256(password.toCharArray()));
  }

  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}

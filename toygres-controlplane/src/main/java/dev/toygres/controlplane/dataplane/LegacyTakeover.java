package dev.toygres.controlplane.dataplane;

import static dev.toygres.controlplane.dataplane.InstanceRoles.execute;
import static dev.toygres.controlplane.dataplane.InstanceRoles.exists;
import static dev.toygres.controlplane.dataplane.InstanceRoles.ident;
import static dev.toygres.controlplane.dataplane.InstanceRoles.literal;
import static dev.toygres.controlplane.dataplane.InstanceRoles.verifier;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes an instance made before tenant isolation away from its tenant. There, the tenant's role was
 * the bootstrap superuser (oid 10), which PostgreSQL never lets lose SUPERUSER. So the control
 * plane adds its own superuser, renames the bootstrap role to {@value #BOOTSTRAP} (no login), gives
 * the tenant a new role of the old name with the same password verifier (so the tenant's current
 * password keeps working, whatever it is now), and hands every object the tenant made (owned by oid
 * 10) to that role. Every step can be run again after a crash.
 */
final class LegacyTakeover {
  static final String BOOTSTRAP = "toygres_bootstrap";
  private static final long BOOTSTRAP_OID = 10;
  private static final long FIRST_USER_OID = 16384;
  private static final List<String> DANGEROUS =
      List.of("pg_execute_server_program", "pg_read_server_files", "pg_write_server_files");

  private LegacyTakeover() {}

  /** As the bootstrap superuser (over the trusted socket): adds the control plane's superuser. */
  static void addSuperuser(Connection asBootstrap, String superuserPassword) throws SQLException {
    InstanceRoles.upsertRole(
        asBootstrap, ControlRoles.SUPERUSER, "SUPERUSER LOGIN INHERIT CREATEDB CREATEROLE");
    execute(
        asBootstrap,
        "ALTER ROLE " + ident(ControlRoles.SUPERUSER) + " PASSWORD " + verifier(superuserPassword));
  }

  /** The name of the bootstrap superuser (oid 10). */
  static String bootstrapName(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT rolname FROM pg_catalog.pg_authid WHERE oid = 10")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * As the control plane's superuser, in one transaction: renames the bootstrap role if it still
   * carries the tenant's name, creates the tenant's own role with the bootstrap role's password
   * verifier, and takes the bootstrap role's login and password away.
   */
  static void splitBootstrap(Connection c, String tenant) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      String bootstrap = bootstrapName(c);
      if (bootstrap.equals(tenant)) {
        execute(c, "ALTER ROLE " + ident(tenant) + " RENAME TO " + ident(BOOTSTRAP));
        bootstrap = BOOTSTRAP;
      }
      if (!exists(c, "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?", tenant)) {
        String oldVerifier;
        try (Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery("SELECT rolpassword FROM pg_catalog.pg_authid WHERE oid = 10")) {
          rs.next();
          oldVerifier = rs.getString(1);
        }
        execute(
            c,
            "CREATE ROLE "
                + ident(tenant)
                + " LOGIN"
                + (oldVerifier == null ? "" : " PASSWORD " + literal(oldVerifier)));
      }
      if (bootstrap.equals(BOOTSTRAP)) {
        execute(c, "ALTER ROLE " + ident(BOOTSTRAP) + " NOLOGIN PASSWORD NULL");
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  /**
   * As the control plane's superuser: no role but the control plane's keeps SUPERUSER or a
   * predefined role that reaches the server's files or programs (the tenant, as a superuser, may
   * have made such roles).
   */
  static List<String> demoteOthers(Connection c) throws SQLException {
    List<String> statements = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT rolname FROM pg_catalog.pg_authid WHERE rolsuper AND oid <> 10 AND rolname <> "
                    + literal(ControlRoles.SUPERUSER))) {
      while (rs.next()) {
        statements.add("ALTER ROLE " + ident(rs.getString(1)) + " NOSUPERUSER");
      }
    }
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                """
                SELECT r.rolname, m.rolname, g.rolname
                FROM pg_catalog.pg_auth_members a
                JOIN pg_catalog.pg_roles r ON r.oid = a.roleid
                JOIN pg_catalog.pg_roles m ON m.oid = a.member
                JOIN pg_catalog.pg_roles g ON g.oid = a.grantor
                WHERE r.rolname IN (%s) AND m.rolname <> %s"""
                    .formatted(
                        String.join(", ", DANGEROUS.stream().map(InstanceRoles::literal).toList()),
                        literal(ControlRoles.SUPERUSER)))) {
      while (rs.next()) {
        statements.add(
            "REVOKE "
                + ident(rs.getString(1))
                + " FROM "
                + ident(rs.getString(2))
                + " GRANTED BY "
                + ident(rs.getString(3)));
      }
    }
    for (String sql : statements) {
      execute(c, sql);
    }
    return statements;
  }

  /** The tenant's databases: every one that accepts connections but the templates and ours. */
  static List<String> databases(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn"
                    + " AND datname NOT IN ('template0', 'template1', "
                    + literal(ControlRoles.DATABASE)
                    + ") ORDER BY datname")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /**
   * Connected (as the control plane's superuser) to one database: disables the event triggers the
   * tenant made as a superuser (they would run its code in the control plane's sessions), then
   * gives the tenant the database and every object in it that the bootstrap role owns and that is
   * not part of the system or of an extension.
   *
   * @return how many objects changed owner
   */
  static int handOver(Connection c, String tenant) throws SQLException {
    List<String> statements = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT evtname FROM pg_catalog.pg_event_trigger WHERE evtenabled <> 'D'")) {
      while (rs.next()) {
        statements.add("ALTER EVENT TRIGGER " + ident(rs.getString(1)) + " DISABLE");
      }
    }
    for (String sql : statements) {
      execute(c, sql);
    }
    statements.clear();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(ownedObjectsQuery(tenant))) {
      while (rs.next()) {
        statements.add(rs.getString(1));
      }
    }
    for (String sql : statements) {
      execute(c, sql);
    }
    return statements.size();
  }

  /** One ALTER ... OWNER statement per object of the bootstrap role made by the tenant. */
  private static String ownedObjectsQuery(String tenant) {
    String to = literal(tenant);
    String notExtensionMember =
        "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = '%s'::regclass"
            + " AND d.objid = %s AND d.deptype = 'e')";
    return """
        SELECT format('ALTER DATABASE %%I OWNER TO %%I', datname, %1$s)
        FROM pg_catalog.pg_database WHERE datname = current_database() AND datdba = %2$d
        UNION ALL
        SELECT format('ALTER SCHEMA %%I OWNER TO %%I', n.nspname, %1$s)
        FROM pg_catalog.pg_namespace n
        WHERE n.nspowner = %2$d AND (n.oid >= %3$d OR n.nspname = 'public')
          AND %4$s
        UNION ALL
        SELECT format('ALTER %%s %%I.%%I OWNER TO %%I',
                 CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                   WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                 n.nspname, c.relname, %1$s)
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relowner = %2$d AND c.oid >= %3$d AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                   WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                     AND d.deptype IN ('a', 'i')))
          AND %5$s
        UNION ALL
        SELECT format('ALTER ROUTINE %%s OWNER TO %%I', p.oid::regprocedure, %1$s)
        FROM pg_catalog.pg_proc p
        WHERE p.proowner = %2$d AND p.oid >= %3$d AND %6$s
        UNION ALL
        SELECT format('ALTER %%s %%s OWNER TO %%I',
                 CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype, %1$s)
        FROM pg_catalog.pg_type t
        WHERE t.typowner = %2$d AND t.oid >= %3$d AND t.typtype IN ('d', 'e', 'r', 'c')
          AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_catalog.pg_class WHERE oid = t.typrelid) = 'c')
          AND %7$s
        UNION ALL
        SELECT format('ALTER LARGE OBJECT %%s OWNER TO %%I', l.oid, %1$s)
        FROM pg_catalog.pg_largeobject_metadata l WHERE l.lomowner = %2$d"""
        .formatted(
            to,
            BOOTSTRAP_OID,
            FIRST_USER_OID,
            notExtensionMember.formatted("pg_namespace", "n.oid"),
            notExtensionMember.formatted("pg_class", "c.oid"),
            notExtensionMember.formatted("pg_proc", "p.oid"),
            notExtensionMember.formatted("pg_type", "t.oid"));
  }
}

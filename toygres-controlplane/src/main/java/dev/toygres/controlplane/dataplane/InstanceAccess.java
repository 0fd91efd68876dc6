package dev.toygres.controlplane.dataplane;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up who may log in to a local instance: the roles ({@link InstanceRoles}), the managed
 * pg_hba.conf ({@link HbaFile}), and, for an instance made before tenant isolation, the takeover of
 * its bootstrap superuser ({@link LegacyTakeover}). The caller holds the instance's lock and the
 * server runs.
 */
final class InstanceAccess {
  private static final Logger LOG = LoggerFactory.getLogger(InstanceAccess.class);
  static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

  private InstanceAccess() {}

  /** A freshly initialized instance: its roles, then the managed pg_hba.conf. */
  static void secureNew(
      InstanceDir dir, InstanceMetadata meta, InstanceLayout layout, ProvisionSpec spec) {
    try (Connection c = superuser(layout, meta, "postgres", spec.secrets().superuserPassword())) {
      InstanceRoles.apply(
          c,
          spec.tenantUser(),
          spec.tenantPassword(),
          spec.secrets().monitorPassword(),
          meta.majorVersion());
    } catch (SQLException e) {
      throw failure(meta, "cannot create its roles", e);
    }
    HbaFile.write(dir.dataDir(), HbaFile.MANAGED, layout.runAs());
    InstanceServers.reload(dir, meta.name());
  }

  /**
   * An instance made before tenant isolation, running with {@link HbaFile#UPGRADING}: takes its
   * bootstrap superuser over, gives the tenant its own role and its objects, then installs the
   * managed pg_hba.conf.
   */
  static void upgradeLegacy(
      InstanceDir dir, InstanceMetadata meta, InstanceLayout layout, ControlSecrets secrets) {
    String tenant = meta.tenant();
    try {
      if (!meta.adminUser().equals(ControlRoles.SUPERUSER)) {
        try (Connection c = open(layout, meta, "template1", meta.adminUser(), null)) {
          LegacyTakeover.addSuperuser(c, secrets.superuserPassword());
        } catch (SQLException e) {
          // The bootstrap role was already renamed by an earlier attempt, which added ours first.
          LOG.info("instance '{}': bootstrap role not usable ({})", meta.name(), e.getMessage());
        }
      }
      List<String> databases;
      try (Connection c = superuser(layout, meta, "template1", secrets.superuserPassword())) {
        LegacyTakeover.addSuperuser(c, secrets.superuserPassword());
        LegacyTakeover.splitBootstrap(c, tenant);
        for (String demoted : LegacyTakeover.demoteOthers(c)) {
          LOG.warn("instance '{}': {} (made by the tenant as a superuser)", meta.name(), demoted);
        }
        InstanceRoles.apply(c, tenant, null, secrets.monitorPassword(), meta.majorVersion());
        databases = LegacyTakeover.databases(c);
      }
      for (String db : databases) {
        try (Connection c = superuser(layout, meta, db, secrets.superuserPassword())) {
          int moved = LegacyTakeover.handOver(c, tenant);
          LOG.info(
              "instance '{}': database {}: {} objects now owned by {}",
              meta.name(),
              db,
              moved,
              tenant);
        }
      }
    } catch (SQLException e) {
      throw failure(meta, "cannot take over its bootstrap superuser", e);
    }
    HbaFile.write(dir.dataDir(), HbaFile.MANAGED, layout.runAs());
    InstanceServers.reload(dir, meta.name());
  }

  /** Sets the tenant's password, as the control plane's superuser. */
  static void setTenantPassword(
      InstanceLayout layout, InstanceMetadata meta, String password, ControlSecrets secrets) {
    try (Connection c =
        superuser(layout, meta, ControlRoles.DATABASE, secrets.superuserPassword())) {
      InstanceRoles.setPassword(c, meta.tenant(), password);
    } catch (SQLException e) {
      throw failure(meta, "cannot change the password of " + meta.tenant(), e);
    }
  }

  private static Connection superuser(
      InstanceLayout layout, InstanceMetadata meta, String db, String password)
      throws SQLException {
    return open(layout, meta, db, ControlRoles.SUPERUSER, password);
  }

  private static Connection open(
      InstanceLayout layout, InstanceMetadata meta, String db, String user, String password)
      throws SQLException {
    return InstanceConnections.open(
        layout.socketDir(meta.name()), meta.port(), db, user, password, ADMIN_TIMEOUT);
  }

  private static DataPlaneException failure(InstanceMetadata meta, String what, SQLException e) {
    return new DataPlaneException(
        meta.name(),
        what,
        "Instance '"
            + meta.name()
            + "': "
            + what
            + ": "
            + e.getMessage()
            + " (SQLState "
            + e.getSQLState()
            + ")",
        e);
  }
}

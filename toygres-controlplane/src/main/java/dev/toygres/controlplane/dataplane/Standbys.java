package dev.toygres.controlplane.dataplane;

import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming standbys of a local instance. Standby {@code n} lives in {@code <instance
 * dir>/standby-<n>/} (its own {@code pgdata/}, {@code postgres.log}, {@code instance.json} with its
 * own port), runs as the same OS user with its own socket directory, and streams from the primary's
 * Unix socket as {@link ControlRoles#REPLICATOR} through the physical slot {@code standby_<n>}
 * (also its {@code application_name}). It is made by a {@link BaseBackup}. The caller holds the
 * primary's lock.
 */
final class Standbys {
  private static final Logger LOG = LoggerFactory.getLogger(Standbys.class);
  private static final String PREFIX = "standby-";

  private final InstanceLayout layout;
  private final PortAllocator ports;

  Standbys(InstanceLayout layout, PortAllocator ports) {
    this.layout = layout;
    this.ports = ports;
  }

  /** The standby directories of the instance directory {@code instanceDir}, by ordinal. */
  static List<Path> dirs(Path instanceDir) {
    if (!Files.isDirectory(instanceDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(instanceDir)) {
      return s.filter(Files::isDirectory)
          .filter(p -> p.getFileName().toString().matches(PREFIX + "[1-9][0-9]{0,2}"))
          .sorted((a, b) -> Integer.compare(ordinal(a), ordinal(b)))
          .toList();
    } catch (IOException e) {
      throw new DataPlaneException(null, "list standbys", "Cannot list " + instanceDir, e);
    }
  }

  static int ordinal(Path standbyDir) {
    return Integer.parseInt(standbyDir.getFileName().toString().substring(PREFIX.length()));
  }

  static InstanceDir dir(InstanceDir primary, int ordinal) {
    return new InstanceDir(primary.path().resolve(PREFIX + ordinal));
  }

  /** The standby's name: its socket directory, its server's name in logs and metadata. */
  static String name(String k8sName, int ordinal) {
    return k8sName + "-s" + ordinal;
  }

  /** The standby's slot on the primary, and its {@code application_name}. */
  static String slot(int ordinal) {
    return "standby_" + ordinal;
  }

  /** The provisioned standbys of {@code primary}, by ordinal, with their metadata. */
  static List<Standby> list(InstanceDir primary) {
    List<Standby> out = new ArrayList<>();
    for (Path p : dirs(primary.path())) {
      InstanceDir d = new InstanceDir(p);
      d.readMetadata()
          .filter(InstanceMetadata::initialized)
          .ifPresent(m -> out.add(new Standby(ordinal(p), d, m)));
    }
    return out;
  }

  /** A provisioned standby. */
  record Standby(int ordinal, InstanceDir dir, InstanceMetadata metadata) {}

  /**
   * Makes standby {@code ordinal} of the running primary and starts it. Anything left by an attempt
   * that did not finish is wiped first (a standby holds no data of its own).
   */
  Standby provision(
      InstanceDir primaryDir,
      InstanceMetadata primary,
      PostgresInstallation inst,
      int ordinal,
      ControlSecrets secrets) {
    InstanceDir dir = dir(primaryDir, ordinal);
    String name = name(primary.name(), ordinal);
    InstanceServers.stop(dir, name);
    dir.delete();
    layout.prepare(dir);
    InstanceMetadata meta =
        ports.allocate(
            dir.path().getFileName().toString(),
            port -> {
              InstanceMetadata m =
                  new InstanceMetadata(
                      name,
                      primary.majorVersion(),
                      port,
                      ControlRoles.SUPERUSER,
                      false,
                      Instant.now().toString(),
                      primary.tenant(),
                      InstanceMetadata.ACCESS_VERSION);
              dir.writeMetadata(m);
              return m;
            });
    try (Connection c = superuser(primary, secrets)) {
      InstanceRoles.upsertRole(
          c,
          ControlRoles.REPLICATOR,
          "LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS"
              + " CONNECTION LIMIT 20");
      InstanceRoles.execute(
          c,
          "ALTER ROLE "
              + InstanceRoles.ident(ControlRoles.REPLICATOR)
              + " PASSWORD "
              + InstanceRoles.verifier(secrets.replicatorPassword()));
      HbaFile.write(primaryDir.dataDir(), HbaFile.MANAGED, layout.runAs());
      InstanceServers.reload(primaryDir, primary.name());
      if (!InstanceRoles.exists(
          c, "SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?", slot(ordinal))) {
        try (PreparedStatement ps =
            c.prepareStatement("SELECT pg_catalog.pg_create_physical_replication_slot(?, true)")) {
          ps.setString(1, slot(ordinal));
          ps.execute();
        }
      }
      BaseBackup.take(c, primaryDir.dataDir(), dir.dataDir(), "toygres " + name, layout.runAs());
    } catch (SQLException | IOException e) {
      throw new DataPlaneException(
          primary.name(), "make standby " + ordinal, "Cannot make standby " + name + ": " + e, e);
    }
    configure(dir, primary, ordinal, secrets);
    HbaFile.write(dir.dataDir(), HbaFile.MANAGED, layout.runAs());
    PostgresServer server = InstanceServers.start(dir, meta, inst, layout, null);
    InstanceMetadata done = meta.asInitialized();
    dir.writeMetadata(done);
    LOG.info(
        "Standby {} of '{}' streams on 127.0.0.1:{}, pid {}",
        ordinal,
        primary.name(),
        meta.port(),
        server.pid());
    return new Standby(ordinal, dir, done);
  }

  /** Starts a provisioned standby if it is not running. */
  Long start(Standby s, PostgresInstallation inst) {
    var running = InstanceServers.running(s.dir());
    if (running.isPresent()) {
      return running.get().pid();
    }
    HbaFile.write(s.dir().dataDir(), HbaFile.MANAGED, layout.runAs());
    return InstanceServers.start(s.dir(), s.metadata(), inst, layout, null).pid();
  }

  /**
   * Stops standby {@code ordinal}, deletes its directory and socket directory, and drops its slot
   * on the primary (when the primary runs; a stopped primary keeps the slot until the next
   * removal). No-op for a standby that does not exist.
   */
  void remove(
      InstanceDir primaryDir, InstanceMetadata primary, int ordinal, ControlSecrets secrets) {
    InstanceDir dir = dir(primaryDir, ordinal);
    String name = name(primary.name(), ordinal);
    InstanceServers.stop(dir, name);
    dir.delete();
    layout.removeSocketDir(name);
    if (InstanceServers.running(primaryDir).isEmpty()) {
      return;
    }
    try (Connection c = superuser(primary, secrets);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT pg_catalog.pg_drop_replication_slot(slot_name)"
                    + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot(ordinal));
      ps.execute();
    } catch (SQLException e) {
      throw new DataPlaneException(
          primary.name(), "drop slot", "Cannot drop the slot of standby " + name + ": " + e, e);
    }
    LOG.info("Removed standby {} of '{}'", ordinal, primary.name());
  }

  /**
   * Sets {@code synchronous_standby_names} on the primary: {@code ANY 1 (standby_1, ...)} over the
   * given ordinals, or empty (asynchronous) when {@code ordinals} is empty.
   */
  void setSynchronous(InstanceMetadata primary, List<Integer> ordinals, ControlSecrets secrets) {
    String value =
        ordinals.isEmpty()
            ? ""
            : "ANY 1 (" + String.join(", ", ordinals.stream().map(Standbys::slot).toList()) + ")";
    try (Connection c = superuser(primary, secrets)) {
      InstanceRoles.execute(
          c, "ALTER SYSTEM SET synchronous_standby_names = " + InstanceRoles.literal(value));
      InstanceRoles.execute(c, "SELECT pg_catalog.pg_reload_conf()");
    } catch (SQLException e) {
      throw new DataPlaneException(
          primary.name(), "set synchronous standbys", "Cannot set synchronous standbys: " + e, e);
    }
  }

  /** Writes {@code standby.signal} and the standby's primary_conninfo and slot. */
  private void configure(
      InstanceDir dir, InstanceMetadata primary, int ordinal, ControlSecrets secrets) {
    String conninfo =
        "host=%s port=%d user=%s password=%s application_name=%s"
            .formatted(
                layout.socketDir(primary.name()),
                primary.port(),
                ControlRoles.REPLICATOR,
                secrets.replicatorPassword(),
                slot(ordinal));
    String settings =
        "\n# Written by Toygres: this server is standby %d of %s.\nprimary_conninfo = %s\nprimary_slot_name = %s\n"
            .formatted(
                ordinal,
                primary.name(),
                InstanceRoles.literal(conninfo),
                InstanceRoles.literal(slot(ordinal)));
    try {
      BaseBackup.write(dir.dataDir().resolve("standby.signal"), "", layout.runAs());
      Files.writeString(
          dir.dataDir().resolve("postgresql.auto.conf"),
          settings,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new DataPlaneException(
          primary.name(),
          "configure standby",
          "Cannot configure standby " + dir.path() + ": " + e,
          e);
    }
  }

  private Connection superuser(InstanceMetadata primary, ControlSecrets secrets)
      throws SQLException {
    return InstanceConnections.open(
        layout.socketDir(primary.name()),
        primary.port(),
        ControlRoles.DATABASE,
        ControlRoles.SUPERUSER,
        secrets.superuserPassword(),
        InstanceAccess.ADMIN_TIMEOUT);
  }
}

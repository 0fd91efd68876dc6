package dev.toygres.controlplane.dataplane;

import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * own port), runs as the same OS user with its own socket directory, and streams from the current
 * primary's Unix socket as {@link ControlRoles#REPLICATOR} through the physical slot {@code
 * standby_<n>} (also its {@code application_name}); after a failover ordinal 0 (the instance
 * directory's own server) can be a standby too, as {@code standby_0}. It is made by a {@link
 * BaseBackup}. The caller holds the instance's lock.
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

  /** The provisioned standby directories of {@code instance}, by ordinal, with their metadata. */
  static List<Server> list(InstanceDir instance) {
    List<Server> out = new ArrayList<>();
    for (Path p : dirs(instance.path())) {
      InstanceDir d = new InstanceDir(p);
      d.readMetadata()
          .filter(InstanceMetadata::initialized)
          .ifPresent(m -> out.add(new Server(ordinal(p), d, m)));
    }
    return out;
  }

  /**
   * Makes {@code standby-<ordinal>} of instance {@code k8sName} from the running {@code primary}
   * and starts it. Anything left by an attempt that did not finish is wiped first (a standby holds
   * no data of its own).
   */
  Server provision(
      InstanceDir instance,
      String k8sName,
      Server primary,
      PostgresInstallation inst,
      int ordinal,
      ControlSecrets secrets) {
    InstanceDir dir = dir(instance, ordinal);
    String name = name(k8sName, ordinal);
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
                      primary.metadata().majorVersion(),
                      port,
                      ControlRoles.SUPERUSER,
                      false,
                      Instant.now().toString(),
                      primary.metadata().tenant(),
                      InstanceMetadata.ACCESS_VERSION);
              dir.writeMetadata(m);
              return m;
            });
    Server made = new Server(ordinal, dir, meta);
    copyAndStart(k8sName, primary, made, inst, secrets);
    InstanceMetadata done = meta.asInitialized();
    dir.writeMetadata(done);
    return new Server(ordinal, dir, done);
  }

  /**
   * Makes {@code target} (stopped, its data directory absent or empty) a fresh standby of the
   * running {@code primary}: a base backup through the slot {@code standby_<n>} (created if
   * missing), the standby settings, then a start.
   */
  void copyAndStart(
      String k8sName,
      Server primary,
      Server target,
      PostgresInstallation inst,
      ControlSecrets secrets) {
    layout.prepare(target.dir());
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
      HbaFile.write(primary.dir().dataDir(), HbaFile.MANAGED, layout.runAs());
      InstanceServers.reload(primary.dir(), primary.name());
      ensureSlot(c, target.ordinal());
      BaseBackup.take(
          c,
          primary.dir().dataDir(),
          target.dir().dataDir(),
          "toygres " + target.name(),
          layout.runAs());
    } catch (SQLException | IOException e) {
      throw new DataPlaneException(
          k8sName,
          "make standby " + target.ordinal(),
          "Cannot make standby " + target.name() + ": " + e,
          e);
    }
    configure(k8sName, primary, target, secrets);
    HbaFile.write(target.dir().dataDir(), HbaFile.MANAGED, layout.runAs());
    PostgresServer server =
        InstanceServers.start(target.dir(), target.metadata(), inst, layout, null);
    LOG.info(
        "Standby {} of '{}' streams from {} on 127.0.0.1:{}, pid {}",
        target.ordinal(),
        k8sName,
        primary.name(),
        target.metadata().port(),
        server.pid());
  }

  /** Creates the physical slot of standby {@code ordinal} (reserving WAL now) if it is missing. */
  static void ensureSlot(Connection c, int ordinal) throws SQLException {
    if (!InstanceRoles.exists(
        c, "SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?", slot(ordinal))) {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT pg_catalog.pg_create_physical_replication_slot(?, true)")) {
        ps.setString(1, slot(ordinal));
        ps.execute();
      }
    }
  }

  /** Starts a provisioned standby if it is not running. */
  Long start(Server s, PostgresInstallation inst) {
    var running = InstanceServers.running(s.dir());
    if (running.isPresent()) {
      return running.get().pid();
    }
    HbaFile.write(s.dir().dataDir(), HbaFile.MANAGED, layout.runAs());
    return InstanceServers.start(s.dir(), s.metadata(), inst, layout, null).pid();
  }

  /**
   * Stops {@code standby-<ordinal>}, deletes its directory and socket directory, and drops its slot
   * on the primary. No-op for a standby that does not exist.
   */
  void remove(
      InstanceDir instance, String k8sName, Server primary, int ordinal, ControlSecrets secrets) {
    InstanceDir dir = dir(instance, ordinal);
    String name = name(k8sName, ordinal);
    InstanceServers.stop(dir, name);
    dir.delete();
    layout.removeSocketDir(name);
    dropSlot(k8sName, primary, ordinal, secrets);
    LOG.info("Removed standby {} of '{}'", ordinal, k8sName);
  }

  /**
   * Drops the slot of standby {@code ordinal} on the primary when the primary runs (a stopped
   * primary keeps the slot until the next removal).
   */
  void dropSlot(String k8sName, Server primary, int ordinal, ControlSecrets secrets) {
    if (InstanceServers.running(primary.dir()).isEmpty()) {
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
          k8sName, "drop slot", "Cannot drop the slot of standby " + ordinal + ": " + e, e);
    }
  }

  /**
   * Sets {@code synchronous_standby_names} on the primary: {@code ANY 1 (standby_1, ...)} over the
   * given ordinals, or empty (asynchronous) when {@code ordinals} is empty.
   */
  /** {@code synchronous_standby_names} for commits waiting for one of {@code ordinals}. */
  static String commitRule(List<Integer> ordinals) {
    return ordinals.isEmpty()
        ? ""
        : "ANY 1 (" + String.join(", ", ordinals.stream().map(Standbys::slot).toList()) + ")";
  }

  void setSynchronous(Server primary, List<Integer> ordinals, ControlSecrets secrets) {
    String value = commitRule(ordinals);
    try (Connection c = superuser(primary, secrets)) {
      InstanceRoles.execute(
          c, "ALTER SYSTEM SET synchronous_standby_names = " + InstanceRoles.literal(value));
      InstanceRoles.execute(c, "SELECT pg_catalog.pg_reload_conf()");
    } catch (SQLException e) {
      throw new DataPlaneException(
          primary.name(), "set synchronous standbys", "Cannot set synchronous standbys: " + e, e);
    }
  }

  /**
   * Writes {@code standby.signal} (if missing) and points the standby at {@code primary}: its
   * primary_conninfo (the primary's socket and port, the replicator, application name {@code
   * standby_<n>}) and slot, replacing the ones written before.
   */
  void configure(String k8sName, Server primary, Server standby, ControlSecrets secrets) {
    String conninfo =
        "host=%s port=%d user=%s password=%s application_name=%s"
            .formatted(
                layout.socketDir(primary.name()),
                primary.metadata().port(),
                ControlRoles.REPLICATOR,
                secrets.replicatorPassword(),
                standby.slot());
    try {
      Path signal = standby.dir().dataDir().resolve("standby.signal");
      if (!Files.exists(signal)) {
        BaseBackup.write(signal, "", layout.runAs());
      }
      AutoConf.setStandby(
          standby.dir().dataDir(),
          "\n" + AutoConf.standbySettings(standby.ordinal(), k8sName, conninfo, standby.slot()),
          layout.runAs());
    } catch (IOException e) {
      throw new DataPlaneException(
          k8sName,
          "configure standby",
          "Cannot configure standby " + standby.dir().path() + ": " + e,
          e);
    }
  }

  /**
   * A session of the control plane's superuser on {@code server} whose commits do not wait for a
   * synchronous standby: the control plane's own writes (the replicator's role) must not hang on
   * the standby being made, or one that is gone.
   */
  Connection superuser(Server server, ControlSecrets secrets) throws SQLException {
    return WalSwitch.superuser(layout, server, secrets);
  }
}

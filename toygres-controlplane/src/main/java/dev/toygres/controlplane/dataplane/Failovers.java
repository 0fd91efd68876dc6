package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.StateConflictException;
import dev.toygres.postgres.PostgresException;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresServer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local data plane's failover operations on one instance: fencing, a clean stop of the primary,
 * standby positions, promotion, re-pointing and rebuilding standbys. Who is primary, fenced or
 * removed is recorded in {@link ServerRoles}; the caller holds the instance's lock.
 */
final class Failovers {
  private static final Logger LOG = LoggerFactory.getLogger(Failovers.class);

  /** How long a fenced server's fast shutdown may take before it is killed. */
  static final Duration FENCE_GRACE = Duration.ofSeconds(3);

  private static final int PROMOTE_WAIT_SECONDS = 50;

  private final InstanceLayout layout;
  private final Standbys standbys;
  private final Members members;

  Failovers(InstanceLayout layout, Standbys standbys, Members members) {
    this.layout = layout;
    this.standbys = standbys;
    this.members = members;
  }

  /** Records the fence, then ends every process of server {@code ordinal}. */
  void fence(Topology t, String k8sName, int ordinal) {
    Server s = t.require(ordinal);
    if (!t.isFenced(ordinal)) {
      t.roles().withFenced(ordinal, true).write(t.dir());
    }
    try {
      PostgresServer.terminate(s.dir().dataDir(), FENCE_GRACE);
    } catch (PostgresException e) {
      throw new DataPlaneException(
          k8sName, "fence", "Cannot fence server " + ordinal + ": " + e.getMessage(), e);
    }
    LOG.info("Fenced server {} of '{}': none of its processes runs", ordinal, k8sName);
  }

  void unfence(Topology t, int ordinal) {
    if (t.isFenced(ordinal)) {
      t.roles().withFenced(ordinal, false).write(t.dir());
    }
  }

  /** Fences the primary, stops it cleanly and returns its shutdown checkpoint's LSN. */
  long stopPrimaryCleanly(Topology t, String k8sName) {
    Server p = t.primary();
    if (!t.isFenced(p.ordinal())) {
      t.roles().withFenced(p.ordinal(), true).write(t.dir());
    }
    InstanceServers.stop(p.dir(), p.name());
    PgControl control;
    try {
      control = PgControl.read(p.dir().dataDir());
    } catch (IOException e) {
      throw new DataPlaneException(
          k8sName, "stop cleanly", "Cannot read the primary's pg_control: " + e, e);
    }
    if (!control.shutDown()) {
      throw new StateConflictException(
          k8sName,
          "primary not shut down cleanly",
          "switchover",
          "The primary of '"
              + k8sName
              + "' did not shut down cleanly (pg_control state "
              + control.state()
              + "); its last WAL may not have reached the standbys: fail over instead");
    }
    LOG.info(
        "Primary {} of '{}' stopped cleanly at checkpoint {}",
        p.ordinal(),
        k8sName,
        lsn(control.checkpoint()));
    return control.checkpoint();
  }

  /** WAL positions of the running, answering, non-fenced standbys (still in recovery). */
  Map<Integer, Long> positions(Topology t, ControlSecrets secrets) {
    Map<Integer, Long> out = new TreeMap<>();
    for (Server s : t.others()) {
      if (t.isFenced(s.ordinal()) || InstanceServers.running(s.dir()).isEmpty()) {
        continue;
      }
      try (Connection c =
              InstanceConnections.asMonitor(
                  layout.socketDir(s.name()),
                  s.metadata().port(),
                  secrets.monitorPassword(),
                  MemberProbe.TIMEOUT);
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  """
                  SELECT pg_catalog.pg_is_in_recovery(),
                         (greatest(pg_catalog.pg_last_wal_receive_lsn(),
                                   pg_catalog.pg_last_wal_replay_lsn()) - '0/0'::pg_catalog.pg_lsn)::bigint""")) {
        if (rs.next() && rs.getBoolean(1)) {
          long pos = rs.getLong(2);
          if (!rs.wasNull()) {
            out.put(s.ordinal(), pos);
          }
        }
      } catch (SQLException e) {
        LOG.debug("Standby {} does not answer: {}", s.name(), e.getMessage());
      }
    }
    return out;
  }

  /** Promotes server {@code ordinal}; see {@link DataPlane#promote}. */
  Member promote(
      Topology t,
      String k8sName,
      int ordinal,
      List<Integer> sync,
      PostgresInstallation inst,
      ControlSecrets secrets) {
    Server target = t.require(ordinal);
    if (!t.isPrimary(ordinal)) {
      Server old = t.primary();
      if (!t.isFenced(old.ordinal()) || InstanceServers.running(old.dir()).isPresent()) {
        throw new StateConflictException(
            k8sName,
            "primary not fenced",
            "promote",
            "Cannot promote server "
                + ordinal
                + " of '"
                + k8sName
                + "': its primary (server "
                + old.ordinal()
                + ") is not fenced and stopped");
      }
      if (t.isFenced(ordinal)) {
        throw new StateConflictException(
            k8sName,
            "fenced",
            "promote",
            "Cannot promote server " + ordinal + " of '" + k8sName + "': it is fenced");
      }
      standbys.start(target, inst);
      try (Connection c = standbys.superuser(target, secrets)) {
        for (Server other : t.servers()) {
          if (other.ordinal() != ordinal && !t.roles().isRemoved(other.ordinal())) {
            Standbys.ensureSlot(c, other.ordinal());
          }
        }
        if (inRecovery(c)) {
          // The commit rule must hold from the promotion's first commit on: set it while the
          // standby is still read-only (ALTER SYSTEM writes only a file, which recovery allows)
          // and wait until a new session sees it, so no commit is acknowledged unprotected.
          requireCommitRule(target, sync, secrets);
          long started = System.nanoTime();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT pg_catalog.pg_promote(true, " + PROMOTE_WAIT_SECONDS + ")")) {
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next() || !rs.getBoolean(1) || inRecovery(c)) {
                throw new DataPlaneException(
                    k8sName,
                    "promote",
                    "Server " + ordinal + " of '" + k8sName + "' did not finish its promotion");
              }
            }
          }
          LOG.info(
              "Promoted server {} of '{}' in {} ms",
              ordinal,
              k8sName,
              (System.nanoTime() - started) / 1_000_000);
        }
      } catch (SQLException e) {
        throw new DataPlaneException(
            k8sName, "promote", "Cannot promote server " + ordinal + ": " + e, e);
      }
      t.roles().withPrimary(ordinal).write(t.dir());
    }
    try {
      AutoConf.clearStandby(target.dir().dataDir(), layout.runAs());
    } catch (IOException e) {
      throw new DataPlaneException(
          k8sName,
          "promote",
          "Cannot clear the standby settings of " + target.name() + ": " + e,
          e);
    }
    standbys.setSynchronous(target, sync, secrets);
    return members.of(reread(t), target, secrets);
  }

  /** Points standby {@code ordinal} at the current primary; see {@link DataPlane#repoint}. */
  Member repoint(
      Topology t, String k8sName, int ordinal, PostgresInstallation inst, ControlSecrets secrets) {
    Server s = requireStandby(t, k8sName, ordinal, "repoint");
    if (t.isFenced(ordinal)) {
      throw new StateConflictException(
          k8sName,
          "fenced",
          "repoint",
          "Server " + ordinal + " of '" + k8sName + "' is fenced: rebuild it instead");
    }
    if (!java.nio.file.Files.exists(s.dir().dataDir().resolve("standby.signal"))) {
      throw new StateConflictException(
          k8sName,
          "not a standby",
          "repoint",
          "Server " + ordinal + " of '" + k8sName + "' is not a standby: rebuild it instead");
    }
    Server p = runningPrimary(t, k8sName, "repoint");
    try (Connection c = standbys.superuser(p, secrets)) {
      Standbys.ensureSlot(c, ordinal);
    } catch (SQLException e) {
      throw new DataPlaneException(
          k8sName, "repoint", "Cannot make the slot of standby " + ordinal + ": " + e, e);
    }
    standbys.configure(k8sName, p, s, secrets);
    if (InstanceServers.running(s.dir()).isPresent()) {
      InstanceServers.reload(s.dir(), s.name());
    } else {
      standbys.start(s, inst);
    }
    LOG.info("Standby {} of '{}' now follows server {}", ordinal, k8sName, p.ordinal());
    return members.of(t, s, secrets);
  }

  /**
   * Makes server {@code ordinal} again from the current primary; see {@link
   * DataPlane#rebuildStandby}.
   */
  Member rebuild(
      Topology t, String k8sName, int ordinal, PostgresInstallation inst, ControlSecrets secrets) {
    if (t.isPrimary(ordinal)) {
      throw new InvalidRequestException(
          "ordinal",
          "Server " + ordinal + " is the primary of '" + k8sName + "'; it cannot be rebuilt");
    }
    Server p = runningPrimary(t, k8sName, "rebuild a standby");
    long started = System.nanoTime();
    Server s = t.server(ordinal).orElse(null);
    if (s == null) {
      s = standbys.provision(t.dir(), k8sName, p, inst, ordinal, secrets);
    } else {
      try {
        PostgresServer.terminate(s.dir().dataDir(), FENCE_GRACE);
      } catch (PostgresException e) {
        throw new DataPlaneException(
            k8sName, "rebuild", "Cannot stop server " + ordinal + ": " + e.getMessage(), e);
      }
      s.dir().deleteDataDir();
      standbys.copyAndStart(k8sName, p, s, inst, secrets);
    }
    ServerRoles roles = ServerRoles.read(t.dir());
    roles.withFenced(ordinal, false).withRemoved(ordinal, false).write(t.dir());
    LOG.info(
        "Rebuilt server {} of '{}' as a standby of server {} in {} ms",
        ordinal,
        k8sName,
        p.ordinal(),
        (System.nanoTime() - started) / 1_000_000);
    return members.of(reread(t), s, secrets);
  }

  private Server requireStandby(Topology t, String k8sName, int ordinal, String op) {
    if (t.isPrimary(ordinal)) {
      throw new InvalidRequestException(
          "ordinal", "Server " + ordinal + " is the primary of '" + k8sName + "', not a standby");
    }
    return t.require(ordinal);
  }

  private static Server runningPrimary(Topology t, String k8sName, String op) {
    Server p = t.primary();
    if (t.isFenced(p.ordinal()) || InstanceServers.running(p.dir()).isEmpty()) {
      throw new StateConflictException(
          k8sName,
          t.isFenced(p.ordinal()) ? "fenced" : "stopped",
          op,
          "Cannot " + op + " of '" + k8sName + "': its primary is not running");
    }
    return p;
  }

  private static Topology reread(Topology t) {
    return Topology.read(t.dir(), t.servers().get(0).metadata());
  }

  /** Sets the commit rule on a standby and waits until a new session sees it in force. */
  private void requireCommitRule(Server target, List<Integer> sync, ControlSecrets secrets)
      throws SQLException {
    String rule = Standbys.commitRule(sync);
    standbys.setSynchronous(target, sync, secrets);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try (Connection fresh = standbys.superuser(target, secrets);
          Statement st = fresh.createStatement();
          ResultSet rs = st.executeQuery("SHOW synchronous_standby_names")) {
        rs.next();
        if (rule.equals(rs.getString(1))) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new DataPlaneException(
            target.name(),
            "promote",
            "The commit rule '" + rule + "' did not take effect on " + target.name() + " in 10 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DataPlaneException(target.name(), "promote", "interrupted", e);
      }
    }
  }

  private static boolean inRecovery(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_is_in_recovery()")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  static String lsn(long lsn) {
    return Long.toHexString(lsn >>> 32).toUpperCase()
        + "/"
        + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
  }
}

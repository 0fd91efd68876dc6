package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.backupstore.BackupManifest;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The recovery of a restored server: its start (while it replays archived WAL it accepts only the
 * control plane, trusted through the socket), the wait until it promoted itself, and the new
 * instance's roles. A target that the archived WAL never reaches is the caller's mistake: an {@link
 * InvalidRequestException} with PostgreSQL's words.
 */
final class Recovery {
  /** How long replaying the archived WAL may take. */
  static final Duration REPLAY_LIMIT = Duration.ofMinutes(30);

  private static final List<String> TARGET_ERRORS =
      List.of(
          "recovery ended before configured recovery target was reached",
          "requested recovery stop point is before consistent recovery point");

  private Recovery() {}

  static PostgresServer start(
      InstanceDir dir,
      InstanceMetadata meta,
      PostgresInstallation inst,
      InstanceLayout layout,
      RestoreSource source) {
    long logStart = logSize(dir);
    try {
      return InstanceServers.start(dir, meta, inst, layout, null);
    } catch (DataPlaneException e) {
      throw targetError(source, tail(dir, logStart)).orElse(e);
    }
  }

  /** Waits until the server is out of recovery; fails if it stops on the way. */
  static void awaitPromoted(
      InstanceDir dir, InstanceMetadata meta, InstanceLayout layout, RestoreSource source) {
    long logStart = 0;
    Instant deadline = Instant.now().plus(REPLAY_LIMIT);
    SQLException last = null;
    while (Instant.now().isBefore(deadline)) {
      if (InstanceServers.running(dir).isEmpty()) {
        String log = tail(dir, logStart);
        throw targetError(source, log)
            .orElseGet(
                () ->
                    new DataPlaneException(
                        meta.name(),
                        "restore",
                        "The restored server of '"
                            + meta.name()
                            + "' stopped during recovery. Last lines of its log:\n"
                            + lastLines(log, 20)));
      }
      try (Connection c = trusted(layout, meta);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_is_in_recovery()")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return;
        }
      } catch (SQLException e) {
        last = e;
      }
      sleep(meta);
    }
    throw new DataPlaneException(
        meta.name(),
        "restore",
        "The restored server of '"
            + meta.name()
            + "' was still replaying WAL after "
            + REPLAY_LIMIT
            + (last == null ? "" : " (" + last.getMessage() + ")"));
  }

  /**
   * Gives the control plane's roles the new secrets and the tenant its new name and password (its
   * role from the source is renamed, so it keeps its objects).
   */
  static void secure(
      InstanceDir dir,
      InstanceMetadata meta,
      InstanceLayout layout,
      ProvisionSpec spec,
      BackupManifest m) {
    try (Connection c = trusted(layout, meta)) {
      String tenant = spec.tenantUser();
      String old = m.tenantUser();
      String roleExists = "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?";
      InstanceRoles.execute(
          c,
          "ALTER ROLE "
              + InstanceRoles.ident(ControlRoles.SUPERUSER)
              + " PASSWORD "
              + InstanceRoles.verifier(spec.secrets().superuserPassword()));
      if (old != null
          && !old.equals(tenant)
          && !InstanceRoles.exists(c, roleExists, tenant)
          && InstanceRoles.exists(c, roleExists, old)) {
        InstanceRoles.execute(
            c,
            "ALTER ROLE " + InstanceRoles.ident(old) + " RENAME TO " + InstanceRoles.ident(tenant));
      }
      InstanceRoles.apply(
          c, tenant, spec.tenantPassword(), spec.secrets().monitorPassword(), meta.majorVersion());
      if (InstanceRoles.exists(c, roleExists, ControlRoles.REPLICATOR)) {
        InstanceRoles.execute(
            c,
            "ALTER ROLE "
                + InstanceRoles.ident(ControlRoles.REPLICATOR)
                + " PASSWORD "
                + InstanceRoles.verifier(spec.secrets().replicatorPassword()));
      }
    } catch (SQLException e) {
      throw new DataPlaneException(
          meta.name(),
          "restore",
          "Cannot set the roles of restored instance '" + meta.name() + "': " + e.getMessage(),
          e);
    }
  }

  /** The control plane's superuser through the socket, trusted while the instance is restored. */
  private static Connection trusted(InstanceLayout layout, InstanceMetadata meta)
      throws SQLException {
    return InstanceConnections.open(
        layout.socketDir(meta.name()),
        meta.port(),
        ControlRoles.DATABASE,
        ControlRoles.SUPERUSER,
        null,
        Duration.ofSeconds(10));
  }

  private static java.util.Optional<RuntimeException> targetError(
      RestoreSource source, String log) {
    for (String e : TARGET_ERRORS) {
      if (log.contains(e)) {
        String field = source.toTime() != null ? "to_time" : "to_lsn";
        String target =
            source.toTime() != null ? "time " + source.toTime() : "LSN " + source.toLsn();
        return java.util.Optional.<RuntimeException>of(
            new InvalidRequestException(
                field,
                "Cannot restore backup "
                    + source.backupId()
                    + " of '"
                    + source.k8sName()
                    + "' to "
                    + target
                    + ": the archived WAL does not reach it (PostgreSQL: "
                    + e
                    + "); choose an earlier target or none"));
      }
    }
    return java.util.Optional.empty();
  }

  private static long logSize(InstanceDir dir) {
    try {
      return Files.size(dir.logFile());
    } catch (IOException e) {
      return 0;
    }
  }

  private static String tail(InstanceDir dir, long from) {
    try (RandomAccessFile f = new RandomAccessFile(dir.logFile().toFile(), "r")) {
      long start = Math.max(from, f.length() - 64 * 1024);
      byte[] b = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String lastLines(String text, int n) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  private static void sleep(InstanceMetadata meta) {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataPlaneException(meta.name(), "restore", "Interrupted during recovery");
    }
  }
}

package dev.toygres.controlplane.dataplane;

import dev.toygres.postgres.OsUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The instance's {@code pg_hba.conf}, written by the control plane (the tenant is not a superuser
 * and cannot change it). The control plane's roles log in only through the Unix socket, whose
 * directory only the server's OS user (and root) can enter, and are refused over TCP, so no other
 * process on the host can pose as the server and be handed their passwords. Tenants log in over TCP
 * on 127.0.0.1 with SCRAM. Standbys stream from the primary as {@link ControlRoles#REPLICATOR},
 * also only through the socket; no other role may open a replication connection.
 */
final class HbaFile {
  static final String FILE = "pg_hba.conf";

  static final String MANAGED =
      """
      # Managed by Toygres: rewritten whenever the control plane starts this server.
      # The control plane's roles log in only through the Unix socket (its directory is 0700,
      # owned by the server's OS user) and never over TCP. Tenants log in over TCP with SCRAM.
      # TYPE  DATABASE  USER                            ADDRESS       METHOD
      local   %3$-8s  %2$-30s                scram-sha-256
      local   all       %1$-30s                scram-sha-256
      local   replication %4$-28s                scram-sha-256
      local   all       all                                           reject
      host    all       %1$s,%2$s   all           reject
      host    all       all                             127.0.0.1/32  scram-sha-256
      host    all       all                             ::1/128       scram-sha-256
      """
          .formatted(
              ControlRoles.SUPERUSER,
              ControlRoles.MONITOR,
              ControlRoles.DATABASE,
              ControlRoles.REPLICATOR);

  /**
   * While an instance made before tenant isolation is upgraded: no TCP at all, and the socket
   * (which only root and the server's OS user can reach) trusted, so the control plane can take
   * over the bootstrap superuser whatever its password has become.
   */
  static final String UPGRADING =
      """
      # Toygres is upgrading this instance's access; the managed file replaces this one shortly.
      local   all   all   trust
      """;

  private HbaFile() {}

  /** Writes {@code content} as the data directory's pg_hba.conf (0600, owned by {@code owner}). */
  static void write(Path dataDir, String content, OsUser owner) {
    Path target = dataDir.resolve(FILE);
    Path tmp = dataDir.resolve(FILE + ".toygres-tmp");
    try {
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      if (owner != null) {
        Files.setAttribute(tmp, "unix:uid", owner.uid());
        Files.setAttribute(tmp, "unix:gid", owner.gid());
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new DataPlaneException(
          dataDir.getParent() == null ? null : dataDir.getParent().getFileName().toString(),
          "write pg_hba.conf",
          "Cannot write " + target + ": " + e.getMessage(),
          e);
    }
  }
}

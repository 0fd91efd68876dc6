package dev.toygres.bench.fleet;

import dev.toygres.controlplane.dataplane.ControlRoles;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * What one pgbouncer is configured with, and the files that say it.
 *
 * @param dir its configuration directory (pgbouncer.ini, userlist.txt, its log and pid file)
 * @param socketDir the directory of its Unix socket, {@code .s.PGSQL.}{@value PgBouncer#PORT}
 * @param targetSocketDir the target's Unix socket directory
 * @param maxClients its {@code max_client_conn}: every instance it serves may hold a connection
 * @param poolSize server connections to the target ({@code default_pool_size})
 */
record PgBouncerConfig(
    Path dir, Path socketDir, Path targetSocketDir, int targetPort, int maxClients, int poolSize) {
  PgBouncerConfig {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(socketDir, "socketDir");
    Objects.requireNonNull(targetSocketDir, "targetSocketDir");
    if (maxClients < 1 || poolSize < 1) {
      throw new IllegalArgumentException("a pooler needs clients and server connections");
    }
  }

  Path ini() {
    return dir.resolve("pgbouncer.ini");
  }

  Path userlist() {
    return dir.resolve("userlist.txt");
  }

  Path log() {
    return dir.resolve("pgbouncer.log");
  }

  Path pidFile() {
    return dir.resolve("bench.pid");
  }

  /** Its pgbouncer.ini. */
  String iniText() {
    return String.format(
        Locale.ROOT,
        """
        ;; written by toygres bench-fleet: a pooler in front of one probe target
        [databases]
        %1$s = host=%2$s port=%3$d dbname=%1$s

        [pgbouncer]
        unix_socket_dir = %4$s
        unix_socket_mode = 0700
        listen_port = %5$d
        auth_type = scram-sha-256
        auth_file = %6$s
        pool_mode = transaction
        max_client_conn = %7$d
        default_pool_size = %8$d
        ignore_startup_parameters = extra_float_digits,options
        log_connections = 0
        log_disconnections = 0
        stats_period = 60
        """,
        ControlRoles.DATABASE,
        targetSocketDir.toAbsolutePath(),
        targetPort,
        socketDir.toAbsolutePath(),
        PgBouncer.PORT,
        userlist().toAbsolutePath(),
        maxClients,
        poolSize);
  }

  /** userlist.txt: the monitoring role with its SCRAM secret (never the password). */
  static String userlist(String monitorScramSecret) {
    if (!monitorScramSecret.startsWith("SCRAM-SHA-256$") || monitorScramSecret.contains("\"")) {
      throw new IllegalArgumentException("not a SCRAM-SHA-256 secret");
    }
    return "\"" + ControlRoles.MONITOR + "\" \"" + monitorScramSecret + "\"\n";
  }
}

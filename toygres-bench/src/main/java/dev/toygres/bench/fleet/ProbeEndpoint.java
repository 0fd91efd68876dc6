package dev.toygres.bench.fleet;

import dev.toygres.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the CMS says an instance's server is, as the probe reaches it: its Unix socket ({@code
 * socketDir} and {@code port}), and the real target behind it (host, data directory, pid). Directly
 * that is the target itself; through pgbouncer, the socket is the pooler's.
 */
record ProbeEndpoint(String host, int port, Path dataDir, Path socketDir, long pid) {
  ProbeEndpoint {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(socketDir, "socketDir");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** The target server itself. */
  static ProbeEndpoint direct(PostgresServer target) {
    return new ProbeEndpoint(
        target.host(), target.port(), target.dataDir(), target.socketDirectory(), target.pid());
  }

  /** {@code target} behind the pooler listening on {@code socketDir}/.s.PGSQL.{@code port}. */
  static ProbeEndpoint pooled(PostgresServer target, Path socketDir, int port) {
    return new ProbeEndpoint(target.host(), port, target.dataDir(), socketDir, target.pid());
  }
}

package dev.toygres.controlplane.dataplane;

import java.nio.file.Path;

/**
 * Where a managed PostgreSQL server runs: the tenant's TCP address, its data directory, the Unix
 * socket directory the control plane's roles connect through, and its postmaster's pid (null when
 * it is not running).
 */
public record ServerInfo(
    String host, int port, Path dataDir, Path socketDir, Long pid, String postgresVersion) {}

package dev.toygres.controlplane.dataplane;

import java.nio.file.Path;

/** Where a managed PostgreSQL server runs. {@code pid} is null when it is not running. */
public record ServerInfo(String host, int port, Path dataDir, Long pid, String postgresVersion) {}

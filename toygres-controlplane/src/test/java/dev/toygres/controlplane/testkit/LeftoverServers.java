package dev.toygres.controlplane.testkit;

import dev.toygres.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Stops every PostgreSQL server whose data directory lies under a test's directory: instance
 * servers outlive the control plane, so a test that fails half-way would otherwise leave them
 * running. Each is found by its {@code postmaster.pid} and verified to be a postgres for that
 * directory before it is signalled.
 */
public final class LeftoverServers {
  private LeftoverServers() {}

  public static int stopAll(Path root) {
    if (root == null || !Files.isDirectory(root)) {
      return 0;
    }
    List<Path> dataDirs;
    try (Stream<Path> s = Files.walk(root, 6)) {
      dataDirs =
          s.filter(p -> p.getFileName().toString().equals("postmaster.pid"))
              .map(Path::getParent)
              .toList();
    } catch (IOException e) {
      return 0;
    }
    int stopped = 0;
    for (Path dir : dataDirs) {
      var server = PostgresServer.attach(dir);
      if (server.isPresent()) {
        server.get().stop();
        stopped++;
      }
    }
    return stopped;
  }
}

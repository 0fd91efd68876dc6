package dev.toygres.controlplane.faults;

import dev.toygres.controlplane.dataplane.LocalDataPlane;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.controlplane.testkit.TestDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * One fault test's world: an external metadata PostgreSQL (optionally in its own network
 * namespace), Toygres servers as child JVMs on it sharing one data directory, and the instance
 * servers they start. {@link #close()} undoes every fault and stops everything, even after a
 * failure: paused processes are resumed, servers killed, instance servers stopped, the metadata
 * server stopped, the namespace removed.
 */
final class FaultRig implements AutoCloseable {
  /** The servers' health interval: ServerProcess starts every server with 1 s. */
  static final Duration HEALTH_INTERVAL = Duration.ofSeconds(1);

  private final Path root;
  private final NetworkNamespace namespace;
  private final MetadataPostgres db;
  private final int firstInstancePort;
  private final List<ServerProcess> servers = new ArrayList<>();
  private final Set<Long> pausedServers = new HashSet<>();

  private FaultRig(Path root, NetworkNamespace namespace, MetadataPostgres db) {
    this.root = root;
    this.namespace = namespace;
    this.db = db;
    this.firstInstancePort = 40_000 + 100 * ThreadLocalRandom.current().nextInt(0, 90);
  }

  /**
   * Starts the metadata database in {@code target/<name>-*}, inside a new network namespace when
   * {@code partitionable}.
   */
  static FaultRig start(String name, boolean partitionable) throws Exception {
    Path root = TestDirectories.create(name);
    // Searchable by the instances' OS user, so that their data lives under the data directory
    // (else under /var/lib/toygres) and the clean-up finds them.
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
    NetworkNamespace ns = partitionable ? NetworkNamespace.create() : null;
    try {
      return new FaultRig(
          root, ns, MetadataPostgres.start(root.resolve("metadata"), ServerProcess.freePort(), ns));
    } catch (Exception | Error e) {
      if (ns != null) {
        ns.close();
      }
      throw e;
    }
  }

  MetadataPostgres db() {
    return db;
  }

  NetworkNamespace namespace() {
    return namespace;
  }

  /** The data directory every server of this rig shares (instances live under it). */
  Path dataDir() {
    return root.resolve("toygres");
  }

  /** Where the servers keep their instances' data directories. */
  Path instancesDir() {
    return dataDir().resolve("instances");
  }

  /**
   * Starts a server on the metadata database (its URL with the password in {@code DATABASE_URL}),
   * with ServerProcess's 1 s health interval and these extra flags.
   */
  ServerProcess startServer(String... flags) throws Exception {
    ServerProcess s =
        ServerProcess.start(
            dataDir(),
            ServerProcess.freePort(),
            firstInstancePort,
            Map.of("DATABASE_URL", db.urlWithPassword()),
            flags);
    servers.add(s);
    return s;
  }

  /** The pid of a server's JVM: the child of this JVM started with its port. */
  static long pidOf(ServerProcess server) {
    String port = server.api().baseUrl().substring(server.api().baseUrl().lastIndexOf(':') + 1);
    return ProcessHandle.current()
        .children()
        .filter(p -> commandLine(p.pid()).contains("--port\0" + port + "\0"))
        .map(ProcessHandle::pid)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no child JVM listens on port " + port));
  }

  /** A process's arguments, each followed by NUL, as /proc shows them (empty if gone). */
  private static String commandLine(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
    } catch (IOException e) {
      return "";
    }
  }

  /** SIGSTOP to a server's JVM (only: not the instance servers it started). */
  void pause(ServerProcess server) {
    long pid = pidOf(server);
    Signals.send(pid, "STOP");
    pausedServers.add(pid);
  }

  /** SIGCONT to a server's JVM. */
  void resume(ServerProcess server) {
    long pid = pidOf(server);
    Signals.send(pid, "CONT");
    pausedServers.remove(pid);
  }

  /**
   * Keeps the servers' log in {@code target/fault-logs/} (the test's directory is removed when the
   * test JVM exits), for a failure to be read. Servers on one data directory share one log file.
   */
  private void keepLogs() throws IOException {
    if (!servers.isEmpty()) {
      Path logs = Files.createDirectories(Path.of("target", "fault-logs"));
      Files.writeString(logs.resolve(root.getFileName() + "-servers.log"), servers.get(0).output());
    }
  }

  @Override
  public void close() {
    pausedServers.forEach(pid -> Signals.send(pid, "CONT"));
    quietly(
        () -> {
          try {
            keepLogs();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    for (ServerProcess s : servers) {
      quietly(
          () -> {
            try {
              s.kill();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
    quietly(db::close);
    quietly(() -> LeftoverServers.stopAll(root));
    quietly(() -> deleteTree(LocalDataPlane.socketRootOf(instancesDir())));
    if (namespace != null) {
      quietly(namespace::close);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void quietly(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      System.err.println("fault rig cleanup: " + e);
    }
  }
}

package dev.toygres.controlplane.faults;

import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.controlplane.testkit.TestDirectories;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One fault test's world: an external metadata PostgreSQL (optionally in its own network
 * namespace), Toygres servers as child JVMs on it sharing one data directory, and the instance
 * servers they start. {@link #close()} undoes every fault and stops everything, even after a
 * failure: paused processes are resumed, servers killed, instance servers stopped, the metadata
 * server stopped, the namespace removed.
 */
final class FaultRig implements AutoCloseable {
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
        .filter(
            p -> {
              List<String> args = List.of(p.info().arguments().orElse(new String[0]));
              int i = args.indexOf("--port");
              return i >= 0 && i + 1 < args.size() && args.get(i + 1).equals(port);
            })
        .map(ProcessHandle::pid)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no child JVM listens on port " + port));
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

  @Override
  public void close() {
    pausedServers.forEach(pid -> Signals.send(pid, "CONT"));
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
    if (namespace != null) {
      quietly(namespace::close);
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

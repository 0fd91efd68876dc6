package dev.toygres.controlplane.testkit;

import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.dataplane.ProvisionSpec;
import dev.toygres.controlplane.dataplane.ServerInfo;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresInstallations;
import dev.toygres.postgres.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A data plane for tests of the control plane: every instance is a real PostgreSQL server process
 * (initdb with the instance's password, a free loopback port), under one directory. {@link
 * #close()} stops every server it started and removes the directory. Used until the local data
 * plane is merged; it is not a stand-in for it in production.
 */
public final class ServerDataPlane implements DataPlane, AutoCloseable {
  private final Path root;
  private final Map<String, PostgresServer> servers = new ConcurrentHashMap<>();

  public ServerDataPlane(Path root) {
    this.root = root;
  }

  @Override
  public String kind() {
    return "local";
  }

  @Override
  public List<Integer> availableVersions() {
    return PostgresInstallations.discover().stream()
        .map(PostgresInstallation::majorVersion)
        .distinct()
        .sorted(Comparator.reverseOrder())
        .toList();
  }

  @Override
  public int defaultVersion() {
    return PostgresInstallations.defaultInstallation().majorVersion();
  }

  @Override
  public synchronized ServerInfo provision(ProvisionSpec spec) {
    PostgresServer s =
        servers.computeIfAbsent(
            spec.k8sName(),
            k ->
                PostgresServer.builder()
                    .installation(PostgresInstallations.forMajor(spec.majorVersion()))
                    .dataDir(root.resolve(k).resolve("pgdata"))
                    .superuser(spec.adminUser())
                    .password(spec.password())
                    .setting("max_connections", "20")
                    .setting("shared_buffers", "16MB")
                    .build());
    if (!s.isRunning()) {
      s.start();
    }
    return info(spec.k8sName(), s);
  }

  @Override
  public synchronized ServerInfo start(String k8sName) {
    PostgresServer s = server(k8sName);
    if (!s.isRunning()) {
      s.start();
    }
    return info(k8sName, s);
  }

  @Override
  public synchronized void stop(String k8sName) {
    PostgresServer s = servers.get(k8sName);
    if (s != null) {
      s.stop();
    }
  }

  @Override
  public synchronized void deprovision(String k8sName) {
    PostgresServer s = servers.remove(k8sName);
    if (s != null) {
      s.stop();
    }
    deleteTree(root.resolve(k8sName));
  }

  @Override
  public Optional<ServerInfo> status(String k8sName) {
    PostgresServer s = servers.get(k8sName);
    return s == null ? Optional.empty() : Optional.of(info(k8sName, s));
  }

  /** Stops every server and removes all their files. */
  @Override
  public synchronized void close() {
    for (String name : List.copyOf(servers.keySet())) {
      deprovision(name);
    }
    deleteTree(root);
  }

  private PostgresServer server(String k8sName) {
    PostgresServer s = servers.get(k8sName);
    if (s == null) {
      throw new IllegalStateException("no server named " + k8sName + " was provisioned");
    }
    return s;
  }

  private static ServerInfo info(String k8sName, PostgresServer s) {
    boolean running = s.isRunning();
    return new ServerInfo(s.host(), s.port(), s.dataDir(), running ? s.pid() : null, version(s));
  }

  private static String version(PostgresServer s) {
    try {
      return Files.readString(s.dataDir().resolve("PG_VERSION")).trim();
    } catch (IOException e) {
      return null;
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}

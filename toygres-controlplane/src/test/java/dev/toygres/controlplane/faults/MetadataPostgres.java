package dev.toygres.controlplane.faults;

import dev.toygres.postgres.OsUser;
import dev.toygres.postgres.PostgresInstallations;
import dev.toygres.postgres.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The external metadata PostgreSQL of a fault test: initialized by the library (password, scram),
 * then run by this class as a plain postmaster on a fixed port, so that a test can pause it, kill
 * it with its backends and start it again on the same port, optionally inside a {@link
 * NetworkNamespace} (listening on the namespace's address). As root it runs as uid 1000 in a user
 * namespace, as the library runs it. {@link #close()} stops it, resuming it first if paused.
 */
final class MetadataPostgres implements AutoCloseable {
  static final String USER = "postgres";
  private final Path pgdata;
  private final Path log;
  private final int port;
  private final String password;
  private final NetworkNamespace namespace;
  private long pid = -1;
  private List<Long> paused = List.of();

  private MetadataPostgres(Path dir, int port, String password, NetworkNamespace namespace) {
    this.pgdata = dir.resolve("pgdata");
    this.log = dir.resolve("postgres.log");
    this.port = port;
    this.password = password;
    this.namespace = namespace;
  }

  /**
   * Initializes a cluster in {@code dir} and starts it on {@code port}, inside {@code namespace} if
   * not null.
   */
  static MetadataPostgres start(Path dir, int port, NetworkNamespace namespace)
      throws IOException, InterruptedException {
    String password = "meta-" + UUID.randomUUID();
    MetadataPostgres pg = new MetadataPostgres(dir, port, password, namespace);
    PostgresServer.builder()
        .dataDir(pg.pgdata)
        .password(password)
        .port(port)
        .logFile(pg.log)
        .build()
        .start()
        .stop();
    if (namespace != null) {
      Files.writeString(
          pg.pgdata.resolve("pg_hba.conf"),
          "\nhost all all 10.231.0.0/16 scram-sha-256\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    }
    try {
      pg.start();
    } catch (IOException | RuntimeException e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  /** Starts the postmaster (again) on the same port and waits until it accepts connections. */
  void start() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (namespace != null) {
      cmd.addAll(namespace.execPrefix());
    }
    cmd.add("setsid");
    if (OsUser.current().isRoot()) {
      cmd.addAll(List.of("unshare", "--user", "--map-user=1000", "--map-group=1000"));
    }
    cmd.addAll(
        List.of(
            PostgresInstallations.defaultInstallation().binDir().resolve("postgres").toString(),
            "-D",
            pgdata.toString(),
            "-p",
            Integer.toString(port),
            "-c",
            "listen_addresses=" + host(),
            "-c",
            "unix_socket_directories=",
            "-c",
            "max_connections=200"));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    p.getOutputStream().close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Connection c = connect()) {
        break;
      } catch (SQLException notYet) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IOException("metadata PostgreSQL did not start; its log:\n" + tail());
        }
        Thread.sleep(100);
      }
    }
    pid = Long.parseLong(Files.readAllLines(pgdata.resolve("postmaster.pid")).get(0).trim());
  }

  /** The address the server listens on. */
  String host() {
    return namespace == null ? PostgresServer.HOST : namespace.address();
  }

  int port() {
    return port;
  }

  long pid() {
    return pid;
  }

  /** A JDBC URL with user and password, as a server's {@code DATABASE_URL}. */
  String urlWithPassword() {
    return "jdbc:postgresql://"
        + host()
        + ":"
        + port
        + "/postgres?user="
        + USER
        + "&password="
        + password;
  }

  /** A new connection, failing within 5 s when the server does not answer. */
  Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", USER);
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "30");
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host() + ":" + port + "/postgres", props);
  }

  /** SIGSTOP to the postmaster and every backend and auxiliary process. */
  void pause() {
    paused = Signals.pauseTree(pid);
  }

  /** SIGCONT to whatever {@link #pause()} stopped. */
  void resume() {
    Signals.resume(paused);
    paused = List.of();
  }

  /** SIGKILL to the postmaster and all its children, as a crash would. */
  void kill() throws InterruptedException {
    Signals.killTree(pid);
  }

  @Override
  public void close() {
    if (!paused.isEmpty()) {
      resume();
    }
    if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      Signals.send(pid, "INT");
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
            && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        Signals.killTree(pid);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private String tail() throws IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}

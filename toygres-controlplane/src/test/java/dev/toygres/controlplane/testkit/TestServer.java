package dev.toygres.controlplane.testkit;

import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.server.ToygresServer;
import dev.toygres.engine.store.DatabaseTimeouts;
import dev.toygres.testkit.TestHttpClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Toygres server in the test JVM, on a fresh data directory under {@code target/}, with
 * short intervals. {@link #close()} stops it and every PostgreSQL server left under its directory.
 */
public final class TestServer implements AutoCloseable {
  public static final String TOKEN = "test-admin-token-0123456789";
  private final Path dataDir;
  private final ToygresServer server;
  private final TestHttpClient api;

  /** The intervals a test server runs with. */
  public record Settings(
      Duration healthInterval,
      Duration staleAfter,
      Duration supervisorInterval,
      boolean autoRepair,
      List<Duration> restartBackoff,
      Duration backupCheckInterval) {
    /**
     * Scheduled backups and retention once an hour: a test that wants them sets a shorter interval
     * ({@link #withBackupCheckInterval}), the others never meet them.
     */
    public static final Duration TEST_BACKUP_CHECK_INTERVAL = Duration.ofHours(1);

    /** With the tests' backup check interval. */
    public Settings(
        Duration healthInterval,
        Duration staleAfter,
        Duration supervisorInterval,
        boolean autoRepair,
        List<Duration> restartBackoff) {
      this(
          healthInterval,
          staleAfter,
          supervisorInterval,
          autoRepair,
          restartBackoff,
          TEST_BACKUP_CHECK_INTERVAL);
    }

    /** With the server's default crash-restart back-off. */
    public Settings(
        Duration healthInterval,
        Duration staleAfter,
        Duration supervisorInterval,
        boolean autoRepair) {
      this(
          healthInterval,
          staleAfter,
          supervisorInterval,
          autoRepair,
          ServerConfig.DEFAULT_RESTART_BACKOFF);
    }

    /** Health interval 1 s; the doctor's defaults, so the supervisor stays out of the way. */
    public static Settings defaults() {
      return new Settings(
          Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(60), true);
    }

    /**
     * The same with another crash-restart back-off (e.g. a long one, to keep a killed server down).
     */
    public Settings withRestartBackoff(List<Duration> backoff) {
      return new Settings(
          healthInterval, staleAfter, supervisorInterval, autoRepair, backoff, backupCheckInterval);
    }

    /** The same with another backup check interval. */
    public Settings withBackupCheckInterval(Duration every) {
      return new Settings(
          healthInterval, staleAfter, supervisorInterval, autoRepair, restartBackoff, every);
    }
  }

  private TestServer(Path dataDir, ToygresServer server, String adminToken) {
    this.dataDir = dataDir;
    this.server = server;
    this.api = new TestHttpClient("http://127.0.0.1:" + server.port(), adminToken);
  }

  /**
   * Health interval 1 s, probe timeout 2 s, failure threshold 2, instance ports from {@code
   * firstPort}.
   */
  public static TestServer start(String name, int firstPort) throws IOException {
    return start(name, firstPort, Settings.defaults());
  }

  public static TestServer start(String name, int firstPort, Settings settings) throws IOException {
    Path dir = TestDirectories.create(name);
    return start(dir, firstPort, settings);
  }

  /** Starts (or starts again) a server on a data directory. */
  public static TestServer start(Path dir, int firstPort, Settings s) throws IOException {
    return start(dir, firstPort, s, TOKEN);
  }

  /**
   * Starts (or starts again) a server on a data directory with {@code adminToken} as its built-in
   * admin token (as {@code TOYGRES_ADMIN_TOKEN}); {@link #api()} uses it.
   */
  public static TestServer start(Path dir, int firstPort, Settings s, String adminToken)
      throws IOException {
    ServerConfig cfg =
        new ServerConfig(
            dir,
            0,
            null,
            s.healthInterval(),
            s.staleAfter(),
            s.supervisorInterval(),
            s.autoRepair(),
            2,
            Duration.ofDays(7),
            Duration.ofSeconds(2),
            firstPort,
            firstPort + 99,
            Duration.ofSeconds(10),
            ServerConfig.DEFAULT_INSTANCE_USER,
            Duration.ofDays(90),
            DatabaseTimeouts.defaults(),
            ServerConfig.DEFAULT_LIVENESS_THRESHOLD,
            ServerConfig.DEFAULT_ACTIVITY_TIMEOUT,
            ServerConfig.DEFAULT_PROBE_RETRY_DELAY,
            s.restartBackoff(),
            ServerConfig.DEFAULT_FAILOVER_COOLDOWN,
            null,
            s.backupCheckInterval(),
            ServerConfig.DEFAULT_ORCHESTRATION_DISPATCHERS);
    try {
      return new TestServer(
          dir, ToygresServer.start(cfg, adminToken, null, "127.0.0.1"), adminToken);
    } catch (IOException | RuntimeException e) {
      LeftoverServers.stopAll(dir);
      throw e;
    }
  }

  public TestHttpClient api() {
    return api;
  }

  public Path dataDir() {
    return dataDir;
  }

  public ToygresServer server() {
    return server;
  }

  /** Stops the server but leaves its instance servers running, as a control-plane stop does. */
  public void stopServerOnly() {
    server.close();
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      LeftoverServers.stopAll(dataDir);
    }
  }
}

package dev.toygres.controlplane.config;

import dev.toygres.engine.store.DatabaseTimeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code toygres server} is configured with (docs/configuration.md lists them with their
 * defaults).
 *
 * @param databaseUrl an external PostgreSQL, or null for the embedded one in the data directory
 * @param probeTimeout how long one health probe may take before it counts as failed
 * @param failureThreshold consecutive failed probes that turn an instance unhealthy
 * @param portRangeStart first port for instance servers (on 127.0.0.1)
 * @param portRangeEnd last port for instance servers
 * @param workerLease how long a crashed server's work stays leased before another server takes it
 * @param instanceUser the OS user instance servers run as when the control plane runs as root
 *     (created as a system account if missing); ignored otherwise, since only root can switch users
 * @param auditRetention how long audit rows are kept
 * @param databaseTimeouts connect, socket, statement and lock timeouts on every connection to the
 *     metadata database
 * @param livenessThreshold how long a worker loop may go without progress before {@code GET
 *     /health/live} answers 503; longer than the worst single round (connect + socket timeouts and
 *     a poll interval)
 * @param probeRetryDelay how soon an actor probes again after a failed probe, until the failure
 *     threshold is reached or a probe succeeds
 * @param restartBackoff the waits before the actor's restarts of a crashed server: the first before
 *     the first attempt, the last repeated once the list is used up (only the first may be zero)
 * @param activityTimeout how long one attempt of an activity (a health check, a provisioning step)
 *     may run before the worker abandons it, stops renewing its lease and lets its retry policy try
 *     again
 * @param failoverCooldown how long after a completed failover of an instance no other failover of
 *     it starts by itself (its primary is then restarted instead)
 * @param backupDir where base backups and archived WAL are kept ({@code --backup-dir}), or null for
 *     {@code <dataDir>/backups}
 * @param backupCheckInterval how often the backup scheduler starts the scheduled backups that are
 *     due and applies retention ({@code --backup-check-interval})
 * @param orchestrationDispatchers the worker's threads that fetch and step orchestrations, each a
 *     batch at a time ({@code --orchestration-dispatchers})
 */
public record ServerConfig(
    Path dataDir,
    int port,
    String databaseUrl,
    Duration healthInterval,
    Duration staleAfter,
    Duration supervisorInterval,
    boolean autoRepair,
    int failureThreshold,
    Duration healthRetention,
    Duration probeTimeout,
    int portRangeStart,
    int portRangeEnd,
    Duration workerLease,
    String instanceUser,
    Duration auditRetention,
    DatabaseTimeouts databaseTimeouts,
    Duration livenessThreshold,
    Duration activityTimeout,
    Duration probeRetryDelay,
    List<Duration> restartBackoff,
    Duration failoverCooldown,
    Path backupDir,
    Duration backupCheckInterval,
    int orchestrationDispatchers) {

  /**
   * The default {@code --orchestration-dispatchers}. An actor's step waits on its probe and on the
   * metadata database, so two left the CPU partly idle: with 20,000 actors on one server, 4 stepped
   * 91–98% of the checks due against 92% for 2, and 66% against 54% on a slower machine
   * (docs/benchmarks.md). Two servers on one machine keep up better with 2 each.
   */
  public static final int DEFAULT_ORCHESTRATION_DISPATCHERS = 4;

  /**
   * The most {@code --orchestration-dispatchers} accepted: each holds a connection of the server's
   * metadata pool of 20 while it fetches and commits, and the activity dispatchers, the worker's
   * own loops and the API need theirs.
   */
  public static final int MAX_ORCHESTRATION_DISPATCHERS = 12;

  /** The default {@code --backup-check-interval}. */
  public static final Duration DEFAULT_BACKUP_CHECK_INTERVAL = Duration.ofMinutes(1);

  /** The default {@code --failover-cooldown}. */
  public static final Duration DEFAULT_FAILOVER_COOLDOWN = Duration.ofMinutes(5);

  /** The default {@code --probe-retry-delay}. */
  public static final Duration DEFAULT_PROBE_RETRY_DELAY = Duration.ofSeconds(2);

  /** The default {@code --restart-backoff}: immediately, 10 s, 30 s, 1 min, then 5 min. */
  public static final List<Duration> DEFAULT_RESTART_BACKOFF =
      List.of(
          Duration.ZERO,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofMinutes(1),
          Duration.ofMinutes(5));

  /** The OS user instance servers run as when the control plane runs as root. */
  public static final String DEFAULT_INSTANCE_USER = "toygres-pg";

  /** The default {@code --liveness-threshold}. */
  public static final Duration DEFAULT_LIVENESS_THRESHOLD = Duration.ofSeconds(60);

  /** The default {@code --activity-timeout}. */
  public static final Duration DEFAULT_ACTIVITY_TIMEOUT = Duration.ofMinutes(10);

  /** The worker's idle wait between polls (the engine's default poll interval). */
  private static final Duration POLL = Duration.ofSeconds(1);

  /**
   * A configuration with the default {@code --backup-check-interval} and {@code
   * --orchestration-dispatchers}.
   */
  public ServerConfig(
      Path dataDir,
      int port,
      String databaseUrl,
      Duration healthInterval,
      Duration staleAfter,
      Duration supervisorInterval,
      boolean autoRepair,
      int failureThreshold,
      Duration healthRetention,
      Duration probeTimeout,
      int instancePortStart,
      int instancePortEnd,
      Duration workerLease,
      String instanceUser,
      Duration auditRetention,
      DatabaseTimeouts databaseTimeouts,
      Duration livenessThreshold,
      Duration activityTimeout,
      Duration probeRetryDelay,
      List<Duration> restartBackoff,
      Duration failoverCooldown,
      Path backupDir) {
    this(
        dataDir,
        port,
        databaseUrl,
        healthInterval,
        staleAfter,
        supervisorInterval,
        autoRepair,
        failureThreshold,
        healthRetention,
        probeTimeout,
        instancePortStart,
        instancePortEnd,
        workerLease,
        instanceUser,
        auditRetention,
        databaseTimeouts,
        livenessThreshold,
        activityTimeout,
        probeRetryDelay,
        restartBackoff,
        failoverCooldown,
        backupDir,
        DEFAULT_BACKUP_CHECK_INTERVAL,
        DEFAULT_ORCHESTRATION_DISPATCHERS);
  }

  public ServerConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    if (orchestrationDispatchers < 1 || orchestrationDispatchers > MAX_ORCHESTRATION_DISPATCHERS) {
      throw new ConfigurationException(
          "--orchestration-dispatchers must be between 1 and "
              + MAX_ORCHESTRATION_DISPATCHERS
              + ", was "
              + orchestrationDispatchers);
    }
    positive(backupCheckInterval, "--backup-check-interval");
    if (port < 0 || port > 65535) {
      throw new ConfigurationException("--port must be between 0 and 65535, was " + port);
    }
    positive(healthInterval, "--health-interval");
    positive(staleAfter, "--stale-after");
    positive(supervisorInterval, "--supervisor-interval");
    positive(healthRetention, "--health-retention");
    positive(probeTimeout, "--probe-timeout");
    positive(workerLease, "--worker-lease");
    positive(auditRetention, "--audit-retention");
    positive(livenessThreshold, "--liveness-threshold");
    positive(activityTimeout, "--activity-timeout");
    positive(probeRetryDelay, "--probe-retry-delay");
    if (failoverCooldown == null || failoverCooldown.isNegative()) {
      throw new ConfigurationException(
          "--failover-cooldown must be a duration of 0 or more (e.g. 0s, 5m)");
    }
    restartBackoff = List.copyOf(restartBackoff);
    if (restartBackoff.isEmpty()) {
      throw new ConfigurationException("--restart-backoff needs at least one duration");
    }
    for (int i = 1; i < restartBackoff.size(); i++) {
      positive(restartBackoff.get(i), "--restart-backoff (every entry after the first)");
    }
    if (restartBackoff.get(0).isNegative()) {
      throw new ConfigurationException("--restart-backoff: the first entry must not be negative");
    }
    Objects.requireNonNull(databaseTimeouts, "databaseTimeouts");
    Duration worstRound = databaseTimeouts.connect().plus(databaseTimeouts.socket()).plus(POLL);
    if (livenessThreshold.compareTo(worstRound) <= 0) {
      throw new ConfigurationException(
          "--liveness-threshold ("
              + Durations.format(livenessThreshold)
              + ") must be longer than the worst single round of a worker loop: --db-connect-timeout"
              + " + --db-socket-timeout + the 1s poll interval ("
              + Durations.format(worstRound)
              + "), or a loop that merely waits on the database is taken for a stuck one");
    }
    if (instanceUser == null || !instanceUser.matches("[a-z_][a-z0-9_-]{0,31}")) {
      throw new ConfigurationException(
          "--instance-user must be an OS user name (lower-case letters, digits, '_' and '-',"
              + " at most 32), was "
              + instanceUser);
    }
    if (failureThreshold < 1) {
      throw new ConfigurationException(
          "--failure-threshold must be at least 1, was " + failureThreshold);
    }
    if (portRangeStart < 1024 || portRangeEnd > 65535 || portRangeEnd < portRangeStart) {
      throw new ConfigurationException(
          "instance port range must lie within 1024-65535 and end after it starts, was "
              + portRangeStart
              + "-"
              + portRangeEnd);
    }
  }

  /**
   * The database timeouts from the four {@code --db-*-timeout} flags, validated together; a refused
   * combination names the flags.
   */
  public static DatabaseTimeouts databaseTimeouts(
      Duration connect, Duration socket, Duration statement, Duration lock) {
    positive(connect, "--db-connect-timeout");
    positive(socket, "--db-socket-timeout");
    positive(statement, "--db-statement-timeout");
    positive(lock, "--db-lock-timeout");
    if (connect.toMillis() < 250) {
      throw new ConfigurationException(
          "--db-connect-timeout must be at least 250ms, was " + Durations.format(connect));
    }
    if (socket.compareTo(statement) <= 0) {
      throw new ConfigurationException(
          "--db-socket-timeout ("
              + Durations.format(socket)
              + ") must be longer than --db-statement-timeout ("
              + Durations.format(statement)
              + "), or a slow statement is cut off as if the database were gone");
    }
    return new DatabaseTimeouts(connect, socket, statement, lock);
  }

  /**
   * Where base backups and archived WAL are kept: {@code --backup-dir}, else {@code
   * <dataDir>/backups}.
   */
  public Path backupRoot() {
    return (backupDir != null ? backupDir : dataDir.resolve("backups"))
        .toAbsolutePath()
        .normalize();
  }

  /** This configuration with {@code n} orchestration dispatchers. */
  public ServerConfig withOrchestrationDispatchers(int n) {
    return new ServerConfig(
        dataDir,
        port,
        databaseUrl,
        healthInterval,
        staleAfter,
        supervisorInterval,
        autoRepair,
        failureThreshold,
        healthRetention,
        probeTimeout,
        portRangeStart,
        portRangeEnd,
        workerLease,
        instanceUser,
        auditRetention,
        databaseTimeouts,
        livenessThreshold,
        activityTimeout,
        probeRetryDelay,
        restartBackoff,
        failoverCooldown,
        backupDir,
        backupCheckInterval,
        n);
  }

  private static void positive(Duration d, String flag) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new ConfigurationException(flag + " must be a positive duration (e.g. 500ms, 2s, 5m)");
    }
  }

  /** The defaults of docs/configuration.md, with data in {@code ~/.toygres}. */
  public static ServerConfig defaults() {
    return new ServerConfig(
        Path.of(System.getProperty("user.home"), ".toygres"),
        8080,
        null,
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Duration.ofSeconds(60),
        true,
        2,
        Duration.ofDays(7),
        Duration.ofSeconds(5),
        15432,
        16431,
        Duration.ofSeconds(30),
        DEFAULT_INSTANCE_USER,
        Duration.ofDays(90),
        DatabaseTimeouts.defaults(),
        DEFAULT_LIVENESS_THRESHOLD,
        DEFAULT_ACTIVITY_TIMEOUT,
        DEFAULT_PROBE_RETRY_DELAY,
        DEFAULT_RESTART_BACKOFF,
        DEFAULT_FAILOVER_COOLDOWN,
        null);
  }
}

package dev.toygres.controlplane.cli;

import dev.toygres.controlplane.config.ConfigurationException;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.server.LogFormat;
import dev.toygres.controlplane.server.ServerLogging;
import dev.toygres.controlplane.server.ToygresServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code toygres server}: the API and the workers, until stopped. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    header = "Runs the Toygres API and workers until stopped.",
    description = {
      "Runs the Toygres API and workers. With no --database-url, --database-url-file",
      "or DATABASE_URL, the metadata database is an embedded PostgreSQL kept in the",
      "data directory. Instance servers keep running when this process stops.",
      "Exits with 78 (EX_CONFIG) when it refuses its configuration: a bad flag or",
      "environment value, a password on the command line, an admin token shorter",
      "than 16 characters, a secret key that is not the database's."
    })
final class ServerCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      defaultValue = "${env:TOYGRES_DATA_DIR:-${sys:user.home}/.toygres}",
      description =
          "Metadata database, instance data, admin token, key (default ${DEFAULT-VALUE}; env TOYGRES_DATA_DIR).")
  Path dataDir;

  @Option(
      names = "--port",
      defaultValue = "${env:TOYGRES_PORT:-8080}",
      description = "HTTP port (default ${DEFAULT-VALUE}; env TOYGRES_PORT).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "${env:TOYGRES_HOST:-127.0.0.1}",
      description = "Address to listen on (default ${DEFAULT-VALUE}; env TOYGRES_HOST).")
  String host;

  @Mixin DatabaseUrlOptions database;

  @Option(
      names = "--health-interval",
      defaultValue = "${env:TOYGRES_HEALTH_INTERVAL:-30s}",
      converter = DurationConverter.class,
      description = "Time between an actor's health checks (default ${DEFAULT-VALUE}).")
  Duration healthInterval;

  @Option(
      names = "--stale-after",
      defaultValue = "${env:TOYGRES_STALE_AFTER:-5m}",
      converter = DurationConverter.class,
      description =
          "Age of the last health check after which an actor is stale (default ${DEFAULT-VALUE}).")
  Duration staleAfter;

  @Option(
      names = "--supervisor-interval",
      defaultValue = "${env:TOYGRES_SUPERVISOR_INTERVAL:-60s}",
      converter = DurationConverter.class,
      description = "Time between the supervisor's diagnoses (default ${DEFAULT-VALUE}).")
  Duration supervisorInterval;

  @Option(
      names = "--auto-repair",
      defaultValue = "${env:TOYGRES_AUTO_REPAIR:-true}",
      arity = "1",
      description = "Whether the supervisor repairs broken actors (default ${DEFAULT-VALUE}).")
  boolean autoRepair;

  @Option(
      names = "--failure-threshold",
      defaultValue = "${env:TOYGRES_FAILURE_THRESHOLD:-2}",
      description =
          "Consecutive failed probes before an instance is unhealthy (default ${DEFAULT-VALUE}).")
  int failureThreshold;

  @Option(
      names = "--probe-retry-delay",
      defaultValue = "${env:TOYGRES_PROBE_RETRY_DELAY:-2s}",
      converter = DurationConverter.class,
      description =
          "How soon a failed probe is retried, until --failure-threshold probes failed or one"
              + " succeeds (default ${DEFAULT-VALUE}).")
  Duration probeRetryDelay;

  @Option(
      names = "--restart-backoff",
      defaultValue = "${env:TOYGRES_RESTART_BACKOFF:-0s,10s,30s,1m,5m}",
      split = ",",
      converter = DurationConverter.class,
      description =
          "Waits before each restart of a crashed instance server; the last is repeated"
              + " (default ${DEFAULT-VALUE}).")
  java.util.List<Duration> restartBackoff;

  @Option(
      names = "--failover-cooldown",
      defaultValue = "${env:TOYGRES_FAILOVER_COOLDOWN:-5m}",
      converter = DurationConverter.class,
      description =
          "After a failover of an instance completed, how long no other starts by itself (its"
              + " primary is restarted instead) (default ${DEFAULT-VALUE}).")
  Duration failoverCooldown;

  @Option(
      names = "--backup-dir",
      defaultValue = "${env:TOYGRES_BACKUP_DIR}",
      description =
          "Where base backups and archived WAL are kept: a directory, local or mounted (default"
              + " <data dir>/backups; env TOYGRES_BACKUP_DIR).")
  Path backupDir;

  @Option(
      names = "--backup-check-interval",
      defaultValue = "${env:TOYGRES_BACKUP_CHECK_INTERVAL:-1m}",
      converter = DurationConverter.class,
      description =
          "How often scheduled backups that are due are started and retention is applied"
              + " (default ${DEFAULT-VALUE}).")
  Duration backupCheckInterval;

  @Option(
      names = "--probe-timeout",
      defaultValue = "${env:TOYGRES_PROBE_TIMEOUT:-5s}",
      converter = DurationConverter.class,
      description = "Longest a health probe may take (default ${DEFAULT-VALUE}).")
  Duration probeTimeout;

  @Option(
      names = "--health-retention",
      defaultValue = "${env:TOYGRES_HEALTH_RETENTION:-7d}",
      converter = DurationConverter.class,
      description = "How long health checks are kept (default ${DEFAULT-VALUE}).")
  Duration healthRetention;

  @Option(
      names = "--instance-ports",
      defaultValue = "${env:TOYGRES_INSTANCE_PORTS:-15432-16431}",
      description = "Port range for instance servers on 127.0.0.1 (default ${DEFAULT-VALUE}).")
  String instancePorts;

  @Option(
      names = "--worker-lease",
      defaultValue = "${env:TOYGRES_WORKER_LEASE:-30s}",
      converter = DurationConverter.class,
      description =
          "How long a crashed server's work stays leased before another server takes it over"
              + " (default ${DEFAULT-VALUE}).")
  Duration workerLease;

  @Option(
      names = "--instance-user",
      defaultValue = "${env:TOYGRES_INSTANCE_USER:-" + ServerConfig.DEFAULT_INSTANCE_USER + "}",
      description =
          "When run as root: the OS user instance servers run as, created as a system account if"
              + " missing (default ${DEFAULT-VALUE}).")
  String instanceUser;

  @Option(
      names = "--audit-retention",
      defaultValue = "${env:TOYGRES_AUDIT_RETENTION:-90d}",
      converter = DurationConverter.class,
      description = "How long audit rows are kept (default ${DEFAULT-VALUE}).")
  Duration auditRetention;

  @Option(
      names = "--db-connect-timeout",
      defaultValue = "${env:TOYGRES_DB_CONNECT_TIMEOUT:-3s}",
      converter = DurationConverter.class,
      description =
          "Longest wait for a metadata database connection, new or from the pool"
              + " (default ${DEFAULT-VALUE}).")
  Duration dbConnectTimeout;

  @Option(
      names = "--db-socket-timeout",
      defaultValue = "${env:TOYGRES_DB_SOCKET_TIMEOUT:-10s}",
      converter = DurationConverter.class,
      description =
          "Longest wait for any reply from the metadata database; longer than the statement"
              + " timeout (default ${DEFAULT-VALUE}).")
  Duration dbSocketTimeout;

  @Option(
      names = "--db-statement-timeout",
      defaultValue = "${env:TOYGRES_DB_STATEMENT_TIMEOUT:-8s}",
      converter = DurationConverter.class,
      description = "Longest a metadata statement may run (default ${DEFAULT-VALUE}).")
  Duration dbStatementTimeout;

  @Option(
      names = "--db-lock-timeout",
      defaultValue = "${env:TOYGRES_DB_LOCK_TIMEOUT:-4s}",
      converter = DurationConverter.class,
      description = "Longest a metadata statement waits for a lock (default ${DEFAULT-VALUE}).")
  Duration dbLockTimeout;

  @Option(
      names = "--liveness-threshold",
      defaultValue = "${env:TOYGRES_LIVENESS_THRESHOLD:-60s}",
      converter = DurationConverter.class,
      description =
          "How long a worker loop may go without progress before GET /health/live answers 503"
              + " (default ${DEFAULT-VALUE}).")
  Duration livenessThreshold;

  @Option(
      names = "--activity-timeout",
      defaultValue = "${env:TOYGRES_ACTIVITY_TIMEOUT:-10m}",
      converter = DurationConverter.class,
      description =
          "Longest one attempt of an activity (a health check, a provisioning step) may run before"
              + " the worker abandons it and its retry policy tries again (default"
              + " ${DEFAULT-VALUE}).")
  Duration activityTimeout;

  @Option(
      names = "--orchestration-dispatchers",
      defaultValue =
          "${env:TOYGRES_ORCHESTRATION_DISPATCHERS:-"
              + ServerConfig.DEFAULT_ORCHESTRATION_DISPATCHERS
              + "}",
      description =
          "Worker threads that fetch and step orchestrations (the instance actors' checks), each"
              + " a batch at a time; with several servers on one machine, fewer each"
              + " (default ${DEFAULT-VALUE}).")
  int orchestrationDispatchers;

  @Option(
      names = "--log-format",
      defaultValue = "${env:TOYGRES_LOG_FORMAT:-text}",
      description =
          "The server's own log, on standard error and in <data dir>/logs/toygres.log: text, or"
              + " json (one JSON object per line) (default ${DEFAULT-VALUE}; env"
              + " TOYGRES_LOG_FORMAT).")
  String logFormat;

  @Spec CommandSpec spec;

  /**
   * Starts the server and blocks until it stops. A refused configuration (a bad flag or environment
   * value, a password on the command line, a short admin token, the wrong secret key) throws {@link
   * ConfigurationException}, which {@link ToygresCli} turns into exit code {@value
   * ConfigurationException#EXIT_CODE}.
   */
  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    LogFormat format = LogFormat.parse(logFormat, "--log-format (TOYGRES_LOG_FORMAT)");
    String databaseUrl =
        database.resolve(System.getenv(DatabaseUrlOptions.ENV), w -> err.println("warning: " + w));
    err.flush();
    ServerConfig cfg = config(databaseUrl);
    ServerLogging.configure(cfg.dataDir(), format);
    ToygresServer server =
        ToygresServer.start(
            cfg, System.getenv("TOYGRES_ADMIN_TOKEN"), System.getenv("TOYGRES_SECRET_KEY"), host);
    System.out.printf(
        "toygres server listening on http://%s:%d (data in %s, metadata database %s)%n",
        host, server.port(), cfg.dataDir(), databaseUrl == null ? "embedded" : "external");
    if (server.tokenGenerated()) {
      System.out.printf(
          "admin token (shown once; kept in %s): %s%n", server.tokenFile(), server.adminToken());
    } else if (server.tokenFile() != null) {
      System.out.printf("admin token: in %s%n", server.tokenFile());
    } else {
      System.out.println("admin token: from TOYGRES_ADMIN_TOKEN");
    }
    System.out.flush();
    server.awaitClosed();
    return 0;
  }

  private ServerConfig config(String databaseUrl) {
    String[] range = instancePorts.split("-", 2);
    if (range.length != 2
        || !range[0].strip().matches("\\d{1,5}")
        || !range[1].strip().matches("\\d{1,5}")) {
      throw new ConfigurationException(
          "--instance-ports must look like 15432-16431, was " + instancePorts);
    }
    return new ServerConfig(
        dataDir.toAbsolutePath(),
        port,
        databaseUrl,
        healthInterval,
        staleAfter,
        supervisorInterval,
        autoRepair,
        failureThreshold,
        healthRetention,
        probeTimeout,
        Integer.parseInt(range[0].strip()),
        Integer.parseInt(range[1].strip()),
        workerLease,
        instanceUser,
        auditRetention,
        ServerConfig.databaseTimeouts(
            dbConnectTimeout, dbSocketTimeout, dbStatementTimeout, dbLockTimeout),
        livenessThreshold,
        activityTimeout,
        probeRetryDelay,
        restartBackoff,
        failoverCooldown,
        backupDir == null ? null : backupDir.toAbsolutePath(),
        backupCheckInterval,
        orchestrationDispatchers);
  }
}

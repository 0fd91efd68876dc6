package dev.toygres.bench.fleet;

import dev.toygres.controlplane.dataplane.ControlRoles;
import dev.toygres.controlplane.dataplane.InstanceConnections;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the benchmark's runs share: the embedded metadata PostgreSQL (one database per run), the
 * probe targets with their password, the endpoints the instances point at (the targets, or one
 * pgbouncer in front of each: {@link TargetsVia}), the secret box that seals the password, and the
 * closer that stops them.
 */
record FleetEnvironment(
    EmbeddedPostgres meta,
    List<PostgresServer> targets,
    TargetsVia via,
    List<PgBouncer> poolers,
    List<ProbeEndpoint> endpoints,
    String targetPassword,
    int postgresMajor,
    SecretBox secrets,
    Closer closer) {
  /** Server connections of each pooler to its target. */
  static final int POOLER_POOL_SIZE = 20;

  FleetEnvironment {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(via, "via");
    targets = List.copyOf(targets);
    poolers = List.copyOf(poolers);
    endpoints = List.copyOf(endpoints);
    if (targets.isEmpty() || endpoints.size() != targets.size()) {
      throw new IllegalArgumentException("the fleet needs probe targets, one endpoint each");
    }
    if (poolers.size() != (via == TargetsVia.PGBOUNCER ? targets.size() : 0)) {
      throw new IllegalArgumentException("through pgbouncer, one pooler per target; else none");
    }
    Objects.requireNonNull(targetPassword, "targetPassword");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(closer, "closer");
  }

  /**
   * Starts the metadata PostgreSQL and {@code targets} probe targets under {@code dir}, and through
   * pgbouncer one pooler per target (installing pgbouncer first if missing), each sized for {@code
   * maxClients} client connections spread over the targets (every instance's kept connection, from
   * each server process that probes it). With {@code targetsNice} above 0, the targets' and
   * poolers' processes get that niceness ({@link TargetsNice}).
   */
  static FleetEnvironment start(
      PostgresInstallation inst,
      Path dir,
      int targets,
      TargetsVia via,
      int maxClients,
      int targetsNice,
      Closer closer,
      PrintStream log)
      throws Exception {
    Path pgbouncer = via == TargetsVia.PGBOUNCER ? PgBouncerInstall.ensure(log) : null;
    long t = System.nanoTime();
    EmbeddedPostgres meta = EmbeddedPostgres.start(dir.resolve("postgres"));
    meta.withoutShutdownHook();
    closer.add("the metadata PostgreSQL (pid " + meta.server().pid() + ")", meta);
    byte[] pw = new byte[12];
    new SecureRandom().nextBytes(pw);
    String password = HexFormat.of().formatHex(pw);
    // one secret for every target, made as the product makes the monitoring role's: a pooler in
    // front of them logs in by SCRAM pass-through
    String secret = ControlRoles.monitorScramSecret(password);
    List<PostgresServer> servers = new ArrayList<>();
    for (int i = 0; i < targets; i++) {
      Path targetDir = dir.resolve("targets").resolve("target-" + i);
      servers.add(FleetTargets.start(inst, targetDir, i, password, secret, closer));
    }
    List<PgBouncer> poolers = new ArrayList<>();
    List<ProbeEndpoint> endpoints = new ArrayList<>();
    int perPooler = (maxClients + targets - 1) / targets + 100;
    for (int i = 0; i < targets; i++) {
      PostgresServer target = servers.get(i);
      if (pgbouncer == null) {
        endpoints.add(ProbeEndpoint.direct(target));
        continue;
      }
      PgBouncerConfig c =
          new PgBouncerConfig(
              dir.resolve("poolers").resolve("pooler-" + i),
              FleetTargets.socketDirectory("pgb-" + i),
              target.socketDirectory(),
              target.port(),
              perPooler,
              POOLER_POOL_SIZE);
      PgBouncer b = PgBouncer.start(pgbouncer, c, secret, closer);
      poolers.add(b);
      ProbeEndpoint e = ProbeEndpoint.pooled(target, b.socketDir(), PgBouncer.PORT);
      tryProbeLogin(e, password);
      endpoints.add(e);
    }
    log.printf(
        Locale.ROOT,
        "bench-fleet: metadata PostgreSQL pid %d, %d probe targets (pids %s)%s started in %.1f"
            + " s%n",
        meta.server().pid(),
        servers.size(),
        servers.stream().map(p -> Long.toString(p.pid())).toList(),
        poolers.isEmpty()
            ? ""
            : ", each behind a pgbouncer (pids "
                + poolers.stream().map(p -> Long.toString(p.pid())).toList()
                + ")",
        (System.nanoTime() - t) / 1e9);
    if (targetsNice > 0) {
      List<Long> roots = new ArrayList<>();
      servers.forEach(p -> roots.add(p.pid()));
      poolers.forEach(p -> roots.add(p.pid()));
      int n = TargetsNice.apply(roots, targetsNice);
      log.printf(
          Locale.ROOT,
          "bench-fleet: probe targets' %d processes at niceness %d (new backends inherit it)%n",
          n,
          targetsNice);
    }
    SecretBox secrets = SecretBox.load(null, dir.resolve("secret.key"));
    return new FleetEnvironment(
        meta, servers, via, poolers, endpoints, password, inst.majorVersion(), secrets, closer);
  }

  /** The pids whose process trees are the poolers' CPU. */
  List<Long> poolerPids() {
    return poolers.stream().map(PgBouncer::pid).toList();
  }

  /** Logs in as the probe does and runs a query, so that a pooler set up wrong fails here. */
  private static void tryProbeLogin(ProbeEndpoint e, String password) throws SQLException {
    try (Connection c =
            InstanceConnections.asMonitor(
                e.socketDir(), e.port(), password, Duration.ofSeconds(5));
        Statement st = c.createStatement()) {
      st.execute("SELECT pg_catalog.pg_postmaster_start_time()");
    }
  }
}

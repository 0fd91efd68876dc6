package dev.toygres.bench.fleet;

import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the benchmark's runs share: the embedded metadata PostgreSQL (one database per run), the
 * probe targets with their password, the secret box that seals it, and the closer that stops them.
 */
record FleetEnvironment(
    EmbeddedPostgres meta,
    List<PostgresServer> targets,
    String targetPassword,
    int postgresMajor,
    SecretBox secrets,
    Closer closer) {
  FleetEnvironment {
    Objects.requireNonNull(meta, "meta");
    targets = List.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("the fleet needs at least one probe target");
    }
    Objects.requireNonNull(targetPassword, "targetPassword");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(closer, "closer");
  }

  /** Starts the metadata PostgreSQL and {@code targets} probe targets under {@code dir}. */
  static FleetEnvironment start(
      PostgresInstallation inst, Path dir, int targets, Closer closer, PrintStream log)
      throws Exception {
    long t = System.nanoTime();
    EmbeddedPostgres meta = EmbeddedPostgres.start(dir.resolve("postgres"));
    meta.withoutShutdownHook();
    closer.add("the metadata PostgreSQL (pid " + meta.server().pid() + ")", meta);
    byte[] pw = new byte[12];
    new SecureRandom().nextBytes(pw);
    String password = HexFormat.of().formatHex(pw);
    List<PostgresServer> servers = new ArrayList<>();
    for (int i = 0; i < targets; i++) {
      Path targetDir = dir.resolve("targets").resolve("target-" + i);
      servers.add(FleetTargets.start(inst, targetDir, i, password, closer));
    }
    log.printf(
        Locale.ROOT,
        "bench-fleet: metadata PostgreSQL pid %d, %d probe targets (pids %s) started in %.1f s%n",
        meta.server().pid(),
        servers.size(),
        servers.stream().map(p -> Long.toString(p.pid())).toList(),
        (System.nanoTime() - t) / 1e9);
    SecretBox secrets = SecretBox.load(null, dir.resolve("secret.key"));
    return new FleetEnvironment(meta, servers, password, inst.majorVersion(), secrets, closer);
  }
}

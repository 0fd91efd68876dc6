package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.ProbeResult;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.dataplane.ControlSecrets;
import dev.toygres.controlplane.dataplane.LocalDataPlane;
import dev.toygres.controlplane.dataplane.ProvisionSpec;
import dev.toygres.controlplane.dataplane.ServerInfo;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.postgres.OsUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe's kept connection against a real instance server under real faults: one connection (one
 * backend) serves probe after probe; a server killed with SIGKILL fails the next probe though a
 * connection was kept; a postmaster frozen with SIGSTOP times the probe out though the kept
 * connection's backend still runs; a restarted server is probed again on a fresh connection within
 * the same probe; a changed secret is never served by the connection the old one opened. Ports
 * 55432-55531.
 */
class HealthProbeConnectionIT {
  private static final int FIRST_PORT = 55432;
  private static final int LAST_PORT = 55531;
  private static final String NAME = "probe-kept";
  private static final String TENANT = "admin";
  private static final String TENANT_PASSWORD = "s3cret-Pa55";
  private static final ControlSecrets SECRETS = ControlSecrets.generate();
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final UUID INSTANCE = UUID.randomUUID();

  @TempDir static Path tmp;
  private static LocalDataPlane plane;
  private static ServerInfo server;
  private final List<HealthProbe> probes = new ArrayList<>();
  private final List<Long> stopped = new ArrayList<>();

  @BeforeAll
  static void provision() throws Exception {
    OsUser runAs = null;
    if (OsUser.current().isRoot()) {
      runAs = OsUser.ensureSystemUser(ServerConfig.DEFAULT_INSTANCE_USER);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
    }
    plane = new LocalDataPlane(tmp.resolve("instances"), FIRST_PORT, LAST_PORT, runAs);
    server =
        plane.provision(
            new ProvisionSpec(NAME, plane.defaultVersion(), TENANT, TENANT_PASSWORD, SECRETS, 1));
  }

  @AfterAll
  static void deprovision() throws IOException {
    if (plane != null && plane.provisioned().contains(NAME)) {
      plane.deprovision(NAME);
    }
    if (plane != null) {
      TestDirectories.deleteTree(plane.socketRoot()); // JUnit removes tmp, not this
    }
    if (server != null && server.pid() != null) {
      assertThat(ProcessHandle.of(server.pid()).map(ProcessHandle::isAlive).orElse(false))
          .as("the instance server is gone")
          .isFalse();
    }
  }

  @AfterEach
  void resumeAndRestart() throws Exception {
    probes.forEach(HealthProbe::close);
    for (long pid : stopped) {
      signal("CONT", pid);
    }
    ServerInfo now = plane.status(NAME).orElseThrow();
    if (now.pid() == null
        || !ProcessHandle.of(now.pid()).map(ProcessHandle::isAlive).orElse(false)) {
      server = plane.start(NAME);
    } else {
      server = now;
    }
  }

  private HealthProbe probe(Duration freshEvery) {
    HealthProbe p = new HealthProbe(TIMEOUT, null, freshEvery);
    probes.add(p);
    return p;
  }

  private ProbeResult probeWith(HealthProbe p, String password) {
    return p.probe(INSTANCE, server.socketDir().toString(), server.port(), password);
  }

  private ProbeResult probeWith(HealthProbe p) {
    return probeWith(p, SECRETS.monitorPassword());
  }

  /** The pids of the monitoring role's backends, read as the tenant over TCP. */
  private static List<Long> monitorBackends() throws SQLException {
    String url = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?connectTimeout=10";
    List<Long> pids = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, TENANT, TENANT_PASSWORD);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pid FROM pg_stat_activity WHERE usename = 'toygres_monitor' ORDER BY pid")) {
      while (rs.next()) {
        pids.add(rs.getLong(1));
      }
    }
    return pids;
  }

  private static void signal(String sig, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor())
        .isZero();
  }

  @Test
  void oneKeptConnectionServesProbeAfterProbe() throws Exception {
    HealthProbe p = probe(HealthProbe.FRESH_EVERY);

    assertThat(probeWith(p).status()).isEqualTo(HealthStatus.HEALTHY);
    List<Long> first = monitorBackends();
    assertThat(probeWith(p).status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(probeWith(p).status()).isEqualTo(HealthStatus.HEALTHY);

    assertThat(first).hasSize(1);
    assertThat(monitorBackends()).isEqualTo(first);
    assertThat(p.kept()).isEqualTo(1);
  }

  @Test
  void theProbeReportsTheClientConnectionsAndSettingsTheServerItselfReports() throws Exception {
    HealthProbe p = probe(HealthProbe.FRESH_EVERY);
    String url = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?connectTimeout=10";
    try (Connection one = DriverManager.getConnection(url, TENANT, TENANT_PASSWORD);
        Connection two = DriverManager.getConnection(url, TENANT, TENANT_PASSWORD);
        Statement s = one.createStatement()) {
      assertThat(probeWith(p).status()).isEqualTo(HealthStatus.HEALTHY);
      long before = clientBackends(s);
      ProbeResult r = probeWith(p);
      long after = clientBackends(s);

      // The tenant's two connections and the probe's kept one, and perhaps backends of earlier
      // tests' closed connections still exiting: their count only falls while the probe runs.
      assertThat(after).isGreaterThanOrEqualTo(3);
      assertThat(((Number) r.details().get("connections")).longValue()).isBetween(after, before);
      try (ResultSet rs =
          s.executeQuery("SELECT current_setting('max_connections')::int, pg_is_in_recovery()")) {
        rs.next();
        assertThat(r.details())
            .containsEntry("max_connections", rs.getInt(1))
            .containsEntry("in_recovery", rs.getBoolean(2));
      }
      assertThat(r.archive()).as("archiver counters read").isNotNull();
      assertThat(r.archive().currentWal()).as("the current WAL file").isNotBlank();
    }
  }

  /**
   * Client backends as the tenant sees them: its own, and the monitoring role's, whose backend type
   * it may not read (the probe reads every backend's, as {@code pg_monitor}).
   */
  private static long clientBackends(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE backend_type = 'client backend' OR usename = 'toygres_monitor'""")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aConnectionDueToBeOpenedAgainIsReplacedSoTheLoginIsTestedAgain() throws Exception {
    HealthProbe p = probe(Duration.ZERO);

    assertThat(probeWith(p).status()).isEqualTo(HealthStatus.HEALTHY);
    List<Long> first = monitorBackends();
    assertThat(probeWith(p).status()).isEqualTo(HealthStatus.HEALTHY);

    assertThat(first).hasSize(1);
    assertThat(monitorBackends()).hasSize(1).doesNotContainAnyElementsOf(first);
  }

  @Test
  void aServerKilledWithSigkillFailsTheNextProbeThoughAConnectionWasKept() throws Exception {
    HealthProbe p = probe(HealthProbe.FRESH_EVERY);
    assertThat(probeWith(p).status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(p.kept()).isEqualTo(1);

    signal("KILL", server.pid());
    ProcessHandle.of(server.pid()).ifPresent(h -> h.onExit().join());
    ProbeResult after = probeWith(p);

    assertThat(after.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(p.kept()).isZero();
  }

  @Test
  void aPostmasterFrozenWithSigstopTimesTheProbeOutThoughItsBackendRuns() throws Exception {
    HealthProbe p = probe(HealthProbe.FRESH_EVERY);
    assertThat(probeWith(p).status()).isEqualTo(HealthStatus.HEALTHY);
    long backend = monitorBackends().get(0);

    stopped.add(server.pid());
    signal("STOP", server.pid());
    ProbeResult frozen = probeWith(p);

    assertThat(frozen.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(frozen.errorMessage()).contains("did not answer");
    assertThat(ProcessHandle.of(backend).map(ProcessHandle::isAlive).orElse(false))
        .as("the kept connection's backend was not frozen")
        .isTrue();

    signal("CONT", server.pid());
    stopped.clear();
    assertThat(probeWith(p).status()).isEqualTo(HealthStatus.HEALTHY);
  }

  @Test
  void aRestartedServerIsProbedOnAFreshConnectionWithinTheSameProbe() throws Exception {
    HealthProbe p = probe(HealthProbe.FRESH_EVERY);
    assertThat(probeWith(p).status()).isEqualTo(HealthStatus.HEALTHY);
    List<Long> before = monitorBackends();

    plane.stop(NAME);
    server = plane.start(NAME);
    ProbeResult after = probeWith(p);

    assertThat(after.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(monitorBackends()).hasSize(1).doesNotContainAnyElementsOf(before);
  }

  @Test
  void aChangedSecretIsNeverServedByTheConnectionTheOldOneOpened() {
    HealthProbe p = probe(HealthProbe.FRESH_EVERY);
    assertThat(probeWith(p).status()).isEqualTo(HealthStatus.HEALTHY);

    ProbeResult wrong = probeWith(p, "not-the-monitoring-password");

    assertThat(wrong.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(wrong.errorMessage()).contains("password authentication failed");
    assertThat(p.kept()).isZero();
  }
}

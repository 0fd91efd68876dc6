package dev.toygres.controlplane.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.dataplane.ControlRoles;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.MetadataDb;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.postgres.OsUser;
import dev.toygres.postgres.PostgresSockets;
import dev.toygres.testkit.TestHttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A tenant, logged in with the password given at create, tries what made it root on the host
 * before: reading the control plane's files and the server's environment, running programs, writing
 * files, making itself a superuser, becoming the control plane's roles. All refused, while what a
 * tenant needs still works. The control plane runs in its own JVM with secrets in its environment,
 * as `toygres server` would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantIsolationIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String PASSWORD = "tenant-secret-1";
  private static final String CANARY = "canary-" + System.nanoTime();
  private static Path dataDir;
  private static ServerProcess server;
  private static TestHttpClient api;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    dataDir = TestDirectories.create("isolation");
    server =
        ServerProcess.start(
            dataDir, ServerProcess.freePort(), 33432, Map.of("TOYGRES_TEST_CANARY", CANARY));
    api = server.api();
    TestHttpClient.Response r =
        api.post("/api/instances", Map.of("name", "tenant", "password", PASSWORD));
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    awaitHealthy();
    port = instance().get("data_plane").get("port").asInt();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (server != null) {
        api.delete("/api/instances/tenant");
        await().atMost(WAIT).until(() -> api.get("/api/instances").body().size() == 0);
        server.close();
      }
    } finally {
      if (server != null) {
        server.kill();
      }
      LeftoverServers.stopAll(dataDir);
    }
  }

  private static JsonNode instance() {
    return api.get("/api/instances/tenant").body();
  }

  private static void awaitHealthy() {
    await().atMost(WAIT).until(() -> "healthy".equals(instance().path("health_status").asText()));
  }

  private static Connection asTenant(String password) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", password);
  }

  private static void refused(Statement s, String sql) {
    assertThatThrownBy(() -> s.execute(sql))
        .as(sql)
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as(sql).isEqualTo("42501"));
  }

  @Test
  @Order(1)
  void theTenantCannotReachTheHostTheControlPlaneOrItsRoles() throws Exception {
    assertThat(instance().get("connection_string").asText())
        .startsWith("postgresql://postgres:****@127.0.0.1:");
    try (Connection c = asTenant(PASSWORD);
        Statement s = c.createStatement()) {
      refused(s, "SELECT pg_read_binary_file('/proc/self/environ')");
      refused(s, "SELECT pg_read_file('" + dataDir.resolve("secret.key") + "')");
      refused(s, "SELECT pg_read_file('" + dataDir.resolve("postgres").resolve("password") + "')");
      refused(s, "SELECT pg_ls_dir('" + dataDir + "')");
      refused(s, "COPY (SELECT 1) TO PROGRAM 'id'");
      refused(s, "COPY (SELECT 1) TO '/tmp/toygres-isolation-" + System.nanoTime() + "'");
      refused(s, "ALTER ROLE postgres SUPERUSER");
      refused(s, "SET ROLE toygres_admin");
      refused(s, "SET ROLE toygres_monitor");
      refused(s, "GRANT pg_execute_server_program TO postgres");
      refused(s, "ALTER ROLE toygres_monitor PASSWORD 'taken-over'");
      refused(s, "CREATE ROLE sneaky SUPERUSER");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("tenant is superuser").isFalse();
        assertThat(rs.getBoolean(2)).as("tenant may create databases").isTrue();
      }
    }
  }

  @Test
  @Order(2)
  void theTenantStillCreatesDatabasesTablesRolesAndTrustedExtensions() throws Exception {
    try (Connection c = asTenant(PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text)");
      s.execute("INSERT INTO notes (body) VALUES ('in the postgres database')");
      s.execute("CREATE DATABASE app");
      s.execute("CREATE ROLE app_user LOGIN PASSWORD 'app-user-pass-1'");
    }
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/app", "postgres", PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION pgcrypto");
      s.execute("CREATE TABLE items (id int PRIMARY KEY, digest text)");
      s.execute("INSERT INTO items VALUES (1, encode(digest('x', 'sha256'), 'hex'))");
      s.execute("GRANT SELECT ON items TO app_user");
      s.execute("SET ROLE app_user");
      s.execute("RESET ROLE");
    }
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/app", "app_user", "app-user-pass-1");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  @Order(3)
  void theInstanceServerHasACleanEnvironmentAndItsOwnOsUserWhenTheControlPlaneIsRoot()
      throws Exception {
    long pid = instance().get("data_plane").get("pid").asLong();
    List<String> env = OsProbe.environment(pid);
    String joined = String.join("\n", env);
    assertThat(joined)
        .doesNotContain(TestServer.TOKEN)
        .doesNotContain(CANARY)
        .doesNotContain(Files.readString(dataDir.resolve("secret.key")).trim())
        .doesNotContain(Files.readString(dataDir.resolve("postgres").resolve("password")).trim());
    assertThat(env.stream().map(e -> e.substring(0, e.indexOf('='))).toList())
        .containsOnly("PATH", "LC_ALL");
    assumeTrue(OsUser.current().isRoot(), "the OS user is switched only under root");
    OsUser instanceUser = OsUser.find(ServerConfig.DEFAULT_INSTANCE_USER).orElseThrow();
    assertThat(OsProbe.uid(pid)).isEqualTo(instanceUser.uid()).isNotEqualTo(0);
  }

  @Test
  @Order(4)
  void noFileOfTheControlPlaneIsReadableByTheInstancesOsUser() throws Exception {
    assumeTrue(OsUser.current().isRoot(), "the OS user is switched only under root");
    OsUser instanceUser = OsUser.find(ServerConfig.DEFAULT_INSTANCE_USER).orElseThrow();
    List<Path> controlPlanes = new ArrayList<>();
    try (Stream<Path> all = Files.walk(dataDir)) {
      all.filter(
              p -> {
                try {
                  return (Integer) Files.getAttribute(p, "unix:uid") != instanceUser.uid();
                } catch (java.io.IOException e) {
                  return false;
                }
              })
          .forEach(controlPlanes::add);
    }
    assertThat(controlPlanes)
        .contains(dataDir.resolve("secret.key"), dataDir.resolve("postgres").resolve("password"));
    assertThat(OsProbe.readableBy(instanceUser, controlPlanes)).isEmpty();
  }

  @Test
  @Order(5)
  void theControlPlanesRolesAreRefusedOverTcpAndAcceptedOnTheSocket() throws Exception {
    String sealed;
    try (MetadataDb db = MetadataDb.of(dataDir);
        Connection c = db.connection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT monitor_password_sealed, socket_dir, superuser_password_sealed"
                    + " FROM toygres_cms.instances"
                    + " WHERE user_name = 'tenant' AND state = 'running'")) {
      rs.next();
      sealed = rs.getString(1);
      SecretBox box = SecretBox.load(null, dataDir.resolve("secret.key"));
      String monitor = box.decrypt(sealed);
      Path socketDir = Path.of(rs.getString(2));
      // the monitoring role's random password is stored with few SCRAM iterations (cheap logins
      // for the probes), the tenant's with PostgreSQL's 4096
      try (Connection a =
              DriverManager.getConnection(
                  PostgresSockets.jdbcUrl(socketDir, port, "toygres"),
                  "toygres_admin",
                  box.decrypt(rs.getString(3)));
          Statement as = a.createStatement();
          ResultSet secrets =
              as.executeQuery(
                  "SELECT rolname, split_part(rolpassword, ':', 1) FROM pg_authid"
                      + " WHERE rolname IN ('toygres_monitor', 'postgres') ORDER BY rolname")) {
        assertThat(secrets.next()).isTrue();
        assertThat(secrets.getString(2)).as("postgres").isEqualTo("SCRAM-SHA-256$4096");
        assertThat(secrets.next()).isTrue();
        assertThat(secrets.getString(2))
            .as("toygres_monitor")
            .isEqualTo("SCRAM-SHA-256$" + ControlRoles.MONITOR_SCRAM_ITERATIONS);
      }
      assertThatThrownBy(
              () ->
                  DriverManager.getConnection(
                          "jdbc:postgresql://127.0.0.1:" + port + "/toygres",
                          "toygres_monitor",
                          monitor)
                      .close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("pg_hba.conf");
      try (Connection m =
              DriverManager.getConnection(
                  PostgresSockets.jdbcUrl(socketDir, port, "toygres"), "toygres_monitor", monitor);
          Statement ms = m.createStatement();
          ResultSet one = ms.executeQuery("SELECT 1")) {
        assertThat(one.next()).isTrue();
      }
      assertThat(Files.getPosixFilePermissions(socketDir))
          .containsExactlyInAnyOrderElementsOf(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  @Order(6)
  void aTenantChangingItsPasswordLeavesMonitoringHealthyAndTheControlPlaneCanRotateIt()
      throws Exception {
    try (Connection c = asTenant(PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("ALTER ROLE postgres PASSWORD 'changed-by-tenant-1'");
    }
    long before = checks().size();
    await().atMost(WAIT).until(() -> checks().size() >= Math.min(before + 5, 1000));
    List<String> lastFive = new ArrayList<>();
    checks().forEach(h -> lastFive.add(h.get("status").asText()));
    assertThat(lastFive.subList(0, 5)).containsOnly("healthy");
    assertThat(instance().get("health_status").asText()).isEqualTo("healthy");

    TestHttpClient.Response r =
        api.post("/api/instances/tenant/password", Map.of("password", "rotated-by-cp-22"));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.body().get("user").asText()).isEqualTo("postgres");
    assertThat(r.raw()).doesNotContain("rotated-by-cp-22");
    try (Connection c = asTenant("rotated-by-cp-22");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_user")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("postgres");
    }
    assertThatThrownBy(() -> asTenant("changed-by-tenant-1").close())
        .isInstanceOf(SQLException.class);
    assertThat(api.post("/api/instances/tenant/password", Map.of("password", "short")).status())
        .isEqualTo(400);
    assertThat(
            api.post("/api/instances/nope/password", Map.of("password", "long-enough-1")).status())
        .isEqualTo(404);
  }

  @Test
  @Order(7)
  void theRotatedPasswordWorksWithPsql() throws Exception {
    Optional<Path> psql = Psql.find();
    assumeTrue(psql.isPresent(), "no psql on this machine (postgresql-client)");
    ProcessBuilder pb =
        new ProcessBuilder(
                psql.get().toString(),
                "-X",
                "-A",
                "-t",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-c",
                "SELECT current_user || ' ' || rolsuper FROM pg_roles WHERE rolname = current_user")
            .redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", "rotated-by-cp-22");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.strip()).isEqualTo("postgres false");
  }

  @Test
  @Order(8)
  void aProbeThatCannotDecryptItsSecretIsRecordedAsAnUnhealthyCheckSayingSo() throws Exception {
    try (MetadataDb db = MetadataDb.of(dataDir)) {
      String original;
      try (Connection c = db.connection();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT monitor_password_sealed FROM toygres_cms.instances"
                      + " WHERE user_name = 'tenant' AND state = 'running'")) {
        rs.next();
        original = rs.getString(1);
      }
      // Sealed with another key: the control plane's key cannot open it.
      String foreign = SecretBox.of(new byte[32]).encrypt("not-the-monitors-password");
      db.update(
          "UPDATE toygres_cms.instances SET monitor_password_sealed = '"
              + foreign
              + "' WHERE user_name = 'tenant' AND state = 'running'");
      try {
        await()
            .atMost(WAIT)
            .until(() -> checks().get(0).path("error_message").asText().contains("cannot decrypt"));
        assertThat(checks().get(0).get("status").asText()).isEqualTo("unhealthy");
      } finally {
        db.update(
            "UPDATE toygres_cms.instances SET monitor_password_sealed = '"
                + original
                + "' WHERE user_name = 'tenant' AND state = 'running'");
      }
      awaitHealthy();
    }
  }

  private static List<JsonNode> checks() {
    List<JsonNode> out = new ArrayList<>();
    api.get("/api/instances/tenant/health-checks?limit=1000").body().forEach(out::add);
    return out;
  }
}

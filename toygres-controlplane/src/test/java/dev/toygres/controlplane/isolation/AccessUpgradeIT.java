package dev.toygres.controlplane.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.postgres.OsUser;
import dev.toygres.postgres.PostgresServer;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Instances made before tenant isolation (the tenant held the bootstrap superuser; the server ran
 * as the control plane's user and inherited its environment) are upgraded by the next server start,
 * with no action from their tenants: the tenant keeps its login, its current password (even one it
 * changed itself) and its objects, but is no longer a superuser; a superuser it made is demoted;
 * the control plane monitors through its own role. A stopped one is upgraded when it is started.
 */
class AccessUpgradeIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int FIRST_PORT = 34432;
  private static final TestServer.Settings SETTINGS =
      new TestServer.Settings(
          Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(2), true);

  /** A legacy instance as the earlier Toygres left it. */
  private record Legacy(String name, String k8sName, int port, Path dir) {}

  @Test
  void theNextServerStartUpgradesOldInstancesWithoutTheirTenantsNoticing() throws Exception {
    Path dataDir = TestDirectories.create("upgrade");
    try {
      TestServer.start(dataDir, FIRST_PORT, SETTINGS).close(); // metadata database, key, schema
      Legacy running = legacy(dataDir, "oldrun", FIRST_PORT + 90, true);
      Legacy stopped = legacy(dataDir, "oldstop", FIRST_PORT + 91, false);

      try (TestServer server = TestServer.start(dataDir, FIRST_PORT, SETTINGS)) {
        TestHttpClient api = server.api();
        await()
            .atMost(WAIT)
            .until(
                () ->
                    "completed"
                        .equals(
                            api.get("/api/orchestrations/upgrade-access-" + running.k8sName())
                                .body()
                                .path("status")
                                .asText()));
        await()
            .atMost(WAIT)
            .until(() -> "healthy".equals(instance(api, "oldrun").path("health_status").asText()));
        assertUpgraded(running, dataDir);
        assertThat(events(api, "oldrun")).contains("access_upgraded");

        assertThat(instance(api, "oldstop").get("state").asText()).isEqualTo("stopped");
        assertThat(api.post("/api/instances/oldstop/start", null).status()).isEqualTo(202);
        await()
            .atMost(WAIT)
            .until(() -> "healthy".equals(instance(api, "oldstop").path("health_status").asText()));
        assertUpgraded(stopped, dataDir);
        for (String name : new String[] {"oldrun", "oldstop"}) {
          assertThat(api.delete("/api/instances/" + name).status()).isEqualTo(202);
        }
        await().atMost(WAIT).until(() -> api.get("/api/instances").body().size() == 0);
      }
    } finally {
      LeftoverServers.stopAll(dataDir);
    }
  }

  private static void assertUpgraded(Legacy l, Path dataDir) throws Exception {
    // The tenant's own password of today, not the one given at create.
    try (Connection c = tenant(l, "postgres");
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("tenant is still a superuser").isFalse();
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT tableowner FROM pg_tables WHERE schemaname = 'shop' AND tablename = 'orders'")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("postgres");
      }
      s.execute("INSERT INTO shop.orders (status) VALUES ('new')");
      try (ResultSet rs = s.executeQuery("SELECT count(*), shop.order_count() FROM shop.summary")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(2);
        assertThat(rs.getInt(2)).isEqualTo(2);
      }
      s.execute("ALTER TABLE shop.orders ADD COLUMN note text");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT rolname, rolsuper, rolcanlogin FROM pg_roles WHERE rolname IN"
                  + " ('helper', 'toygres_bootstrap') ORDER BY rolname")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("helper");
        assertThat(rs.getBoolean(2)).as("a superuser made by the tenant is demoted").isFalse();
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("toygres_bootstrap");
        assertThat(rs.getBoolean(3)).as("the old bootstrap role logs in").isFalse();
      }
      assertThatThrownBy(() -> s.execute("COPY (SELECT 1) TO PROGRAM 'id'"))
          .isInstanceOf(SQLException.class);
    }
    try (Connection c = tenant(l, "appdb");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM kept")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(3);
    }
    assertThatThrownBy(() -> tenant(l, "postgres", "given-at-create-1").close())
        .as("the password of create was changed by the tenant before the upgrade")
        .isInstanceOf(SQLException.class);
    long pid = PostgresServer.attach(dataDirOfInstance(dataDir, l)).orElseThrow().pid();
    assertThat(OsProbe.environment(pid).stream().map(e -> e.substring(0, e.indexOf('='))))
        .containsOnly("PATH", "LC_ALL");
    if (OsUser.current().isRoot()) {
      assertThat(OsProbe.uid(pid))
          .isEqualTo(OsUser.find(ServerConfig.DEFAULT_INSTANCE_USER).orElseThrow().uid());
    }
  }

  private static Path dataDirOfInstance(Path dataDir, Legacy l) {
    return dataDir.resolve("instances").resolve(l.k8sName()).resolve("pgdata");
  }

  private static Connection tenant(Legacy l, String db) throws SQLException {
    return tenant(l, db, "changed-by-tenant-" + l.name());
  }

  private static Connection tenant(Legacy l, String db, String password) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + l.port() + "/" + db, "postgres", password);
  }

  /**
   * Makes an instance the way Toygres did before tenant isolation: initdb with the tenant as the
   * bootstrap superuser, the server started by this JVM, an instance.json without users or access
   * version, and a CMS row with access version 0. The tenant then makes objects, a superuser, and
   * changes its own password.
   */
  private static Legacy legacy(Path dataDir, String name, int port, boolean keepRunning)
      throws Exception {
    String k8s = name + "-abc123";
    Path dir = dataDir.resolve("instances").resolve(k8s);
    PostgresServer pg =
        PostgresServer.builder()
            .dataDir(dir.resolve("pgdata"))
            .port(port)
            .superuser("postgres")
            .password("given-at-create-1")
            .logFile(dir.resolve("postgres.log"))
            .build()
            .start();
    Legacy l = new Legacy(name, k8s, port, dir);
    try (Connection c = tenant(l, "postgres", "given-at-create-1");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA shop");
      s.execute("CREATE TYPE shop.state AS ENUM ('new', 'paid')");
      s.execute("CREATE TABLE shop.orders (id serial PRIMARY KEY, status shop.state)");
      s.execute("INSERT INTO shop.orders (status) VALUES ('paid')");
      s.execute("CREATE VIEW shop.summary AS SELECT * FROM shop.orders");
      s.execute(
          "CREATE FUNCTION shop.order_count() RETURNS bigint LANGUAGE sql SECURITY DEFINER"
              + " AS 'SELECT count(*) FROM shop.orders'");
      s.execute("CREATE ROLE helper SUPERUSER LOGIN PASSWORD 'helper-pass-1'");
      s.execute("CREATE DATABASE appdb");
      s.execute("ALTER ROLE postgres PASSWORD 'changed-by-tenant-" + name + "'");
    }
    try (Connection c = tenant(l, "appdb");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept AS SELECT generate_series(1, 3) AS n");
    }
    Files.writeString(
        dir.resolve("instance.json"),
        """
        {"name": "%s", "majorVersion": %d, "port": %d, "adminUser": "postgres",
         "initialized": true, "createdAt": "2026-11-01T00:00:00Z"}"""
            .formatted(k8s, majorVersion(pg), port));
    if (!keepRunning) {
      pg.stop();
    }
    SecretBox box = SecretBox.load(null, dataDir.resolve("secret.key"));
    try (MetadataDbOpen db = new MetadataDbOpen(dataDir);
        PreparedStatement ps =
            db.c.prepareStatement(
                """
                INSERT INTO toygres_cms.instances (id, user_name, k8s_name, postgres_version, state,
                  host, port, tenant_user, tenant_password_sealed, data_dir, pid, access_version,
                  started_at)
                VALUES (?, ?, ?, ?, ?::toygres_cms.instance_state, '127.0.0.1', ?, 'postgres', ?,
                  ?, ?, 0, now())""")) {
      ps.setObject(1, UUID.randomUUID());
      ps.setString(2, name);
      ps.setString(3, k8s);
      ps.setString(4, Integer.toString(majorVersion(pg)));
      ps.setString(5, keepRunning ? "running" : "stopped");
      ps.setInt(6, port);
      ps.setString(7, box.encrypt("given-at-create-1"));
      ps.setString(8, dir.resolve("pgdata").toString());
      ps.setObject(9, keepRunning ? pg.pid() : null);
      ps.executeUpdate();
    }
    return l;
  }

  private static int majorVersion(PostgresServer pg) throws java.io.IOException {
    return Integer.parseInt(Files.readString(pg.dataDir().resolve("PG_VERSION")).trim());
  }

  /** The server's metadata database, started on its own while no server runs on it. */
  private static final class MetadataDbOpen implements AutoCloseable {
    private final EmbeddedPostgres pg;
    private final Connection c;

    MetadataDbOpen(Path dataDir) throws SQLException {
      this.pg = EmbeddedPostgres.start(dataDir.resolve("postgres"));
      this.c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
    }

    @Override
    public void close() throws SQLException {
      try {
        c.close();
      } finally {
        pg.close();
      }
    }
  }

  private static JsonNode instance(TestHttpClient api, String name) {
    return api.get("/api/instances/" + name).body();
  }

  private static String events(TestHttpClient api, String name) {
    return api.get("/api/instances/" + name + "/events?limit=100").raw();
  }
}

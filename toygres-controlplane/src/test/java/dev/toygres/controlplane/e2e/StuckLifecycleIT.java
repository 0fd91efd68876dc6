package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.CREATE_WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitEvent;
import static dev.toygres.controlplane.e2e.ActorAsserts.createHealthy;
import static dev.toygres.controlplane.e2e.ActorAsserts.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.MetadataDb;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.postgres.PostgresServer;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No instance stays {@code creating} or {@code deleting} for good (issue 10, test 6): a create
 * whose orchestration is cancelled or terminated behind the API's back (the API refuses to cancel
 * it) is rolled back to {@code failed} by the supervisor's lifecycle repair, a delete whose
 * deprovision fails for real (a tmpfs mounted inside the data directory makes its removal fail with
 * EBUSY) is started again every round until it succeeds; each ends in a state from which delete
 * finishes, and no PostgreSQL server is left behind.
 */
class StuckLifecycleIT {
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final Duration REPAIR_WITHIN = Duration.ofSeconds(90);
  private static TestServer server;
  private static TestHttpClient api;
  private static MetadataDb db;
  private final List<Path> mounts = new ArrayList<>();
  private final List<Path> dataDirs = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server =
        TestServer.start(
            "stuck-lifecycle",
            41532,
            new TestServer.Settings(Duration.ofSeconds(1), Duration.ofMinutes(5), INTERVAL, true));
    api = server.api();
    db = MetadataDb.of(server.dataDir());
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Path m : mounts) {
      run("umount", "-l", m.toString());
    }
    mounts.clear();
    try {
      ActorAsserts.deleteAll(api);
    } finally {
      for (Path d : dataDirs) {
        PostgresServer.attach(d).ifPresent(PostgresServer::stop);
      }
      dataDirs.clear();
    }
  }

  @AfterAll
  static void stop() {
    if (server == null) {
      return;
    }
    try {
      if (db != null) {
        db.close();
      }
    } finally {
      try {
        server.close();
      } finally {
        LeftoverServers.stopAll(server.dataDir());
      }
    }
  }

  @Test
  void aCreateEndedBehindTheApisBackIsRolledBackToFailedAndThenDeletes() throws Exception {
    DurableClient engine = db.engine();
    String cancelled = create("halted");
    String terminated = create("killed");

    TestHttpClient.Response refused = api.post("/api/orchestrations/" + cancelled + "/cancel");
    assertThat(refused.status()).as(refused.raw()).isEqualTo(409);
    assertThat(refused.error())
        .contains(cancelled)
        .contains("toygres.create-instance")
        .contains("cannot be cancelled")
        .contains("delete the instance");
    assertThat(instance(api, "halted").get("allowed_actions")).isEmpty();

    // The create dies anyway, as if an operator ended it in the database: one asked to stop, one
    // ended at once, whatever its worker was doing.
    engine.cancel(cancelled, "simulated death of the create");
    engine.terminate(terminated, "simulated death of the create");
    Instant ended = Instant.now();

    for (String name : List.of("halted", "killed")) {
      await()
          .atMost(REPAIR_WITHIN)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> "failed".equals(instance(api, name).get("state").asText()));
      awaitEvent(api, name, Duration.ofSeconds(10), "create will not finish");
      // The state turns failed first (so the create can no longer mark it running), then the
      // server is stopped and its data removed: the event says when that is done.
      awaitEvent(api, name, CREATE_WAIT, "server and data of the failed create removed");
      JsonNode failed = instance(api, name);
      assertThat(failed.get("allowed_actions").toString()).contains("delete");
      assertNoServerFor(failed.get("k8s_name").asText());
    }

    System.out.printf(
        "stuck create: both rolled back to failed %d ms after their creates ended%n",
        Duration.between(ended, Instant.now()).toMillis());
    assertThat(repairs("roll_back_create")).isGreaterThanOrEqualTo(2);
    for (String name : List.of("halted", "killed")) {
      TestHttpClient.Response deleted = api.delete("/api/instances/" + name);
      assertThat(deleted.status()).as(deleted.raw()).isEqualTo(202);
    }
    awaitGone("halted");
    awaitGone("killed");
  }

  @Test
  void aDeleteWhoseDeprovisionFailsIsRetriedUntilItSucceedsAndIsIdempotent() throws Exception {
    createHealthy(api, "sticky");
    JsonNode running = instance(api, "sticky");
    Path dataDir = Path.of(running.get("data_plane").get("data_dir").asText());
    long pid = running.get("data_plane").get("pid").asLong();
    dataDirs.add(dataDir);
    Path mount = dataDir.resolve("stuck-mount");
    Files.createDirectories(mount);
    assertThat(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString())).isZero();
    mounts.add(mount);

    Instant requested = Instant.now();
    TestHttpClient.Response first = api.delete("/api/instances/sticky");
    assertThat(first.status()).as(first.raw()).isEqualTo(202);
    String deleteId = first.body().get("orchestration_id").asText();
    TestHttpClient.Response again = api.delete("/api/instances/sticky");
    assertThat(again.status()).as(again.raw()).isEqualTo(202);
    assertThat(again.body().get("orchestration_id").asText()).isEqualTo(deleteId);

    // The removal fails for real, the delete orchestration fails, and a repair round starts it
    // again (with an event), while the instance stays deleting.
    awaitEvent(api, "sticky", REPAIR_WITHIN, "delete started again", "failed");
    assertThat(instance(api, "sticky").get("state").asText()).isEqualTo("deleting");
    assertThat(repairs("retry_delete")).isGreaterThanOrEqualTo(1);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("the server was stopped before its data was removed")
        .isFalse();

    System.out.printf(
        "stuck delete: started again %d ms after it was requested%n",
        Duration.between(requested, Instant.now()).toMillis());
    assertThat(run("umount", mount.toString())).isZero();
    mounts.clear();
    Instant released = Instant.now();
    awaitGone("sticky");
    System.out.printf(
        "stuck delete: gone %d ms after the fault was removed%n",
        Duration.between(released, Instant.now()).toMillis());
    assertThat(Files.exists(dataDir)).isFalse();
  }

  private static String create(String name) {
    TestHttpClient.Response r =
        api.post("/api/instances", Map.of("name", name, "password", name + "-secret-1"));
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    return r.body().get("orchestration_id").asText();
  }

  /** {@code toygres_lifecycle_repairs_total{action}} as {@code /metrics} shows it. */
  private static double repairs(String action) {
    Matcher m =
        Pattern.compile(
                "(?m)^toygres_lifecycle_repairs_total\\{action=\""
                    + action
                    + "\"[^}]*\\}\\s+(\\S+)$")
            .matcher(api.get("/metrics").raw());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static void awaitGone(String name) {
    await()
        .atMost(CREATE_WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> api.get("/api/instances/" + name).status() == 404);
  }

  /** No running postgres has a data directory of the instance's (its postmaster.pid is gone). */
  private static void assertNoServerFor(String k8sName) {
    List<String> left =
        ProcessHandle.allProcesses()
            .filter(p -> p.info().commandLine().map(c -> c.contains(k8sName)).orElse(false))
            .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
            .toList();
    assertThat(left).as("processes of " + k8sName).isEmpty();
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}

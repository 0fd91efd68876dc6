package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.server.ToygresServer;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.engine.store.DatabaseTimeouts;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The control plane's own metrics (docs/metrics.md) on a real server with one real instance: after
 * a few checks, {@code GET /metrics} has every actor, engine, health, singleton and process metric
 * with sensible values, and no label carries an orchestration id. With an external metadata
 * database that is stopped, a scrape still answers, says not ready and keeps the last values of the
 * gauges read from the database; once the database is back, ready again.
 */
class MetricsIT {
  private static final Pattern LABEL = Pattern.compile("[a-z_]+=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final String LOOPBACK = "127.0.0.1";
  private static final Pattern UUID_LIKE =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private TestServer server;

  @AfterEach
  void cleanUp() {
    if (server != null) {
      try {
        ActorAsserts.deleteAll(server.api());
      } finally {
        server.close();
      }
    }
  }

  @Test
  void aServerWatchingOneInstanceReportsItsActorsEngineHealthAndProcess() throws Exception {
    server = TestServer.start("metrics", 50432); // instance ports from 50432 (one made)
    TestHttpClient api = server.api();
    ActorAsserts.createHealthy(api, "met-a");

    // The doctor's counts are cached 15 s, the queues and singletons 5 s: wait for fresh ones.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Map<String, Double> m = scrape(api);
              assertThat(m).containsEntry("toygres_actors{diagnosis=\"healthy\"}", 1.0);
              assertThat(m.get("toygres_actor_iterations_total")).isGreaterThanOrEqualTo(3.0);
              assertThat(m.get("toygres_check_lateness_seconds_count")).isGreaterThan(0.0);
            });

    Map<String, Double> m = scrape(api);
    System.out.printf(
        "metrics: %.0f checks, %.0f probes averaging %.1f ms, check lateness averaging %.3f s%n",
        m.get("toygres_actor_iterations_total"),
        m.get("toygres_probe_duration_seconds_count"),
        1000
            * m.get("toygres_probe_duration_seconds_sum")
            / m.get("toygres_probe_duration_seconds_count"),
        m.get("toygres_check_lateness_seconds_sum")
            / m.get("toygres_check_lateness_seconds_count"));
    for (String d : List.of("stale", "zombie", "missing", "dead", "cancelled", "orphaned")) {
      assertThat(m).containsEntry("toygres_actors{diagnosis=\"" + d + "\"}", 0.0);
    }
    assertThat(m.get("toygres_probe_duration_seconds_count")).isGreaterThan(0.0);
    assertThat(m.get("toygres_probe_duration_seconds_sum")).isGreaterThan(0.0);
    assertThat(m).containsKey("toygres_check_lateness_seconds_bucket{le=\"+Inf\"}");
    // One instance's checks are never written together: a group of one each.
    assertThat(m.get("toygres_health_write_group_checks_count")).isGreaterThan(0.0);
    assertThat(m.get("toygres_health_write_group_checks_sum"))
        .isEqualTo(m.get("toygres_health_write_group_checks_count"));

    for (String q : List.of("orchestrations", "activities")) {
      assertThat(m.get("toygres_engine_queue_ready{queue=\"" + q + "\"}"))
          .isGreaterThanOrEqualTo(0.0);
      assertThat(m.get("toygres_engine_queue_oldest_ready_seconds{queue=\"" + q + "\"}"))
          .isGreaterThanOrEqualTo(0.0);
    }
    assertThat(
            m.get(
                "toygres_engine_step_duration_seconds_count"
                    + "{orchestration=\"toygres.instance-actor\"}"))
        .isGreaterThan(0.0);
    assertThat(
            m.get(
                "toygres_engine_activity_duration_seconds_count"
                    + "{activity=\"toygres.actor.check-quick\",outcome=\"completed\"}"))
        .as("the actor's quick check, a local activity, is timed as an activity")
        .isGreaterThan(0.0);
    assertThat(m.get("toygres_engine_commits_total")).isGreaterThan(0.0);
    assertThat(m).containsEntry("toygres_engine_poisoned_total", 0.0);
    assertThat(m).containsKey("toygres_engine_lease_takeovers_total");

    assertThat(m).containsEntry("toygres_ready", 1.0);
    assertThat(m).containsEntry("toygres_live", 1.0);
    assertThat(m)
        .containsEntry("toygres_health_component_healthy{component=\"metadata_database\"}", 1.0);

    double now = Instant.now().toEpochMilli() / 1000.0;
    for (String s : List.of("supervisor", "pruner", "backup_scheduler")) {
      Double at = m.get("toygres_" + s + "_last_round_timestamp_seconds");
      assertThat(at).as(s).isNotNull().isBetween(now - 300, now + 5);
    }

    assertThat(m.keySet())
        .anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"))
        .anyMatch(k -> k.startsWith("jvm_threads_live_threads"))
        .anyMatch(k -> k.startsWith("jvm_classes_loaded_classes"))
        .anyMatch(k -> k.startsWith("jvm_gc_"))
        .anyMatch(k -> k.startsWith("process_cpu_usage"))
        .anyMatch(k -> k.startsWith("process_uptime_seconds"))
        .anyMatch(k -> k.startsWith("system_cpu_count"))
        .anyMatch(k -> k.startsWith("hikaricp_connections_active{"));

    Set<String> ids = orchestrationIds(api);
    assertThat(ids).isNotEmpty();
    for (String key : m.keySet()) {
      Matcher l = LABEL.matcher(key);
      while (l.find()) {
        assertThat(l.group(1)).as(key).isNotIn(ids).doesNotContainPattern(UUID_LIKE);
      }
    }

    // The probe keeps one connection to the instance's server between checks, and closes it when
    // the check finds the instance stopped: long before the 3 minutes after which an unused one is
    // closed anyway.
    // (A probe takes the connection out while it runs: poll rather than read one scrape.)
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> assertThat(scrape(api)).containsEntry("toygres_probe_connections_kept", 1.0));
    TestHttpClient.Response stop = api.post("/api/instances/met-a/stop");
    assertThat(stop.status()).as(stop.raw()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> assertThat(scrape(api)).containsEntry("toygres_probe_connections_kept", 0.0));
  }

  @Test
  void whileTheMetadataDatabaseIsDownAScrapeShowsNotReadyAndTheLastValuesThenFreshOnesAfter()
      throws Exception {
    Path root = TestDirectories.create("metrics-outage");
    Path metadata = root.resolve("metadata");
    EmbeddedPostgres db = EmbeddedPostgres.start(metadata);
    EmbeddedPostgres again = null;
    ToygresServer s = null;
    try {
      String url = db.jdbcUrl() + "?user=" + db.user() + "&password=" + db.password();
      s =
          ToygresServer.start(
              config(root.resolve("toygres"), url), TestServer.TOKEN, null, LOOPBACK);
      TestHttpClient api = TestHttpClient.local(s.port(), TestServer.TOKEN);
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                Map<String, Double> m = scrape(api);
                assertThat(m).containsEntry("toygres_ready", 1.0);
                assertThat(m).containsEntry("toygres_actors{diagnosis=\"healthy\"}", 0.0);
                assertThat(m.get("toygres_supervisor_last_round_timestamp_seconds")).isNotNaN();
                assertThat(m.get("toygres_engine_queue_ready{queue=\"activities\"}")).isNotNaN();
              });

      db.close();

      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                Map<String, Double> m = scrape(api);
                assertThat(m).containsEntry("toygres_ready", 0.0);
                assertThat(m)
                    .containsEntry(
                        "toygres_health_component_healthy{component=\"metadata_database\"}", 0.0);
                assertThat(m).containsEntry("toygres_actors{diagnosis=\"healthy\"}", 0.0);
                assertThat(m.get("toygres_supervisor_last_round_timestamp_seconds")).isNotNaN();
                assertThat(m.get("toygres_engine_queue_ready{queue=\"activities\"}")).isNotNaN();
              });

      again = EmbeddedPostgres.start(metadata);

      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                Map<String, Double> m = scrape(api);
                assertThat(m).containsEntry("toygres_ready", 1.0);
                assertThat(m)
                    .containsEntry(
                        "toygres_health_component_healthy{component=\"metadata_database\"}", 1.0);
              });
    } finally {
      if (s != null) {
        s.close();
      }
      if (again != null) {
        again.close();
      }
      db.close();
      LeftoverServers.stopAll(root);
    }
  }

  /** An external metadata database at {@code url}; instance ports 50482-50531 (none made). */
  private static ServerConfig config(Path dataDir, String url) {
    return new ServerConfig(
        dataDir,
        0,
        url,
        Duration.ofSeconds(1),
        Duration.ofMinutes(5),
        Duration.ofSeconds(60),
        true,
        2,
        Duration.ofDays(7),
        Duration.ofSeconds(2),
        50482,
        50531,
        Duration.ofSeconds(10),
        ServerConfig.DEFAULT_INSTANCE_USER,
        Duration.ofDays(90),
        DatabaseTimeouts.defaults(),
        Duration.ofSeconds(60),
        ServerConfig.DEFAULT_ACTIVITY_TIMEOUT,
        ServerConfig.DEFAULT_PROBE_RETRY_DELAY,
        ServerConfig.DEFAULT_RESTART_BACKOFF,
        ServerConfig.DEFAULT_FAILOVER_COOLDOWN,
        null);
  }

  /** Every sample of {@code /metrics}: {@code name{labels}} to value. */
  static Map<String, Double> scrape(TestHttpClient api) {
    TestHttpClient.Response r = api.get("/metrics");
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : r.raw().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String value =
          line.substring(space + 1).replace("+Inf", "Infinity").replace("-Inf", "-Infinity");
      out.put(line.substring(0, space), Double.parseDouble(value));
    }
    return out;
  }

  private static Set<String> orchestrationIds(TestHttpClient api) {
    Set<String> ids = new HashSet<>();
    JsonNode page = api.get("/api/orchestrations?limit=200").body();
    page.get("items").forEach(i -> ids.add(i.get("instance_id").asText()));
    return ids;
  }
}

package dev.toygres.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.store.PostgresStore;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import dev.toygres.testkit.TestDatabase;
import dev.toygres.testkit.TestHttpClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code /api/orchestrations} routes against a real engine: a fresh schema on the test
 * PostgreSQL, a worker running a few test orchestrations, and the API over real HTTP.
 */
class OrchestrationApiIT {
  static final String TOKEN = "orchestration-api-test-token";
  static final Duration WAIT = Duration.ofSeconds(30);

  record Text(String text) {}

  record Got(JsonNode got) {}

  static HikariDataSource pool;
  static PostgresStore store;
  static DurableClient engine;
  static DurableWorker worker;
  static PrometheusMeterRegistry registry;
  static HttpApi api;
  static TestHttpClient client;
  static final ThrowingServices services = new ThrowingServices();

  static Registry orchestrations() {
    return Registry.builder()
        .activity("upper", String.class, (c, s) -> s.toUpperCase(Locale.ROOT))
        .orchestration(
            "Echo",
            Text.class,
            (ctx, in) -> new Text(ctx.callActivity("upper", in.text(), String.class).await()))
        .orchestration(
            "WaitForGo",
            Text.class,
            (ctx, in) -> {
              ctx.setCustomStatus(new Text("waiting"));
              return new Got(ctx.waitForEvent("go", JsonNode.class).await());
            })
        .orchestration(
            "Fail",
            Text.class,
            (ctx, in) -> {
              throw new IllegalStateException("boom: " + in.text());
            })
        .orchestration(
            "Counter",
            Integer.class,
            (ctx, n) -> {
              if (n < 3) {
                ctx.continueAsNew(n + 1);
                return null;
              }
              return n;
            })
        .orchestration(
            "CounterInPlace",
            Integer.class,
            (ctx, n) -> {
              if (n < 3) {
                ctx.continueAsNewInPlace(n + 1);
                return null;
              }
              return n;
            })
        .build();
  }

  @BeforeAll
  static void start() {
    pool = TestDatabase.pool(8);
    store =
        new PostgresStore(
            pool, "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    store.migrate();
    engine = new DurableClient(store);
    worker =
        DurableWorker.start(
            store,
            orchestrations(),
            WorkerOptions.defaults()
                .withPollInterval(Duration.ofMillis(100))
                .withLease(Duration.ofSeconds(5))
                .withShutdownTimeout(Duration.ofSeconds(5)));
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    api =
        HttpApi.start(
            new ApiContext(
                services.instances(),
                services.actors(),
                services.doctor(),
                services.recovery(),
                engine,
                TOKEN,
                registry,
                () -> true),
            "127.0.0.1",
            0);
    client = TestHttpClient.local(api.port(), TOKEN);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (api != null) {
        api.close();
      }
      if (worker != null) {
        worker.close();
      }
      if (registry != null) {
        registry.close();
      }
      if (store != null) {
        try (Connection c = pool.getConnection();
            Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA IF EXISTS " + store.schema() + " CASCADE");
        }
      }
    } finally {
      if (pool != null) {
        pool.close();
      }
    }
  }

  static String newId(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  static InstanceInfo startAndWait(String name, String id, Object input) throws Exception {
    engine.start(name, id, input);
    return engine.waitForCompletion(id, WAIT);
  }

  @Test
  void getShowsACompletedOrchestrationWithItsOutputAsJson() throws Exception {
    String id = newId("echo");
    startAndWait("Echo", id, new Text("hi"));

    TestHttpClient.Response r = client.get("/api/orchestrations/" + id);

    assertThat(r.status()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.get("instance_id").asText()).isEqualTo(id);
    assertThat(j.get("name").asText()).isEqualTo("Echo");
    assertThat(j.get("version").asText()).isEqualTo("1");
    assertThat(j.get("status").asText()).isEqualTo("completed");
    assertThat(j.get("execution_id").asInt()).isEqualTo(1);
    assertThat(j.get("output").get("text").asText()).isEqualTo("HI");
    assertThat(j.get("custom_status").isNull()).isTrue();
    assertThat(j.get("error").isNull()).isTrue();
    for (String time : List.of("created_at", "updated_at", "completed_at")) {
      assertThat(j.get(time).asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:.*Z");
    }
  }

  @Test
  void aRunningOrchestrationShowsItsCustomStatusAndTakesAnEvent() throws Exception {
    String id = newId("wait");
    engine.start("WaitForGo", id, new Text("x"));
    await()
        .atMost(WAIT)
        .until(
            () -> client.get("/api/orchestrations/" + id).json().get("custom_status").isObject());
    JsonNode running = client.get("/api/orchestrations/" + id).json();
    assertThat(running.get("status").asText()).isEqualTo("running");
    assertThat(running.get("custom_status").get("text").asText()).isEqualTo("waiting");
    assertThat(running.get("completed_at").isNull()).isTrue();

    TestHttpClient.Response raised =
        client.post(
            "/api/orchestrations/" + id + "/events", "{\"name\":\"go\",\"data\":{\"n\":5}}");

    assertThat(raised.status()).isEqualTo(202);
    assertThat(raised.json().get("instance_id").asText()).isEqualTo(id);
    assertThat(engine.waitForCompletion(id, WAIT).output()).isEqualTo("{\"got\":{\"n\":5}}");
    JsonNode done = client.get("/api/orchestrations/" + id).json();
    assertThat(done.get("output").get("got").get("n").asInt()).isEqualTo(5);
  }

  @Test
  void cancellingARunningOrchestrationIsAcceptedAndItEndsCancelled() throws Exception {
    String id = newId("cancel");
    engine.start("WaitForGo", id, new Text("x"));

    TestHttpClient.Response r =
        client.post("/api/orchestrations/" + id + "/cancel", "{\"reason\":\"operator said so\"}");

    assertThat(r.status()).isEqualTo(202);
    assertThat(engine.waitForCompletion(id, WAIT).status().dbName()).isEqualTo("cancelled");
    JsonNode j = client.get("/api/orchestrations/" + id).json();
    assertThat(j.get("status").asText()).isEqualTo("cancelled");
    assertThat(j.get("error").get("message").asText()).contains("operator said so");
  }

  @Test
  void cancelWithoutABodyIsAccepted() throws Exception {
    String id = newId("cancel-nobody");
    engine.start("WaitForGo", id, new Text("x"));
    assertThat(client.post("/api/orchestrations/" + id + "/cancel").status()).isEqualTo(202);
    assertThat(engine.waitForCompletion(id, WAIT).status().dbName()).isEqualTo("cancelled");
  }

  @Test
  void cancelOrRaiseOnAnEndedOrchestrationIs409() throws Exception {
    String id = newId("ended");
    startAndWait("Echo", id, new Text("a"));

    TestHttpClient.Response cancel = client.post("/api/orchestrations/" + id + "/cancel", "{}");
    TestHttpClient.Response raise =
        client.post("/api/orchestrations/" + id + "/events", "{\"name\":\"go\",\"data\":1}");

    assertThat(HttpApiTest.assertError(cancel, 409)).contains("completed");
    assertThat(HttpApiTest.assertError(raise, 409)).contains("completed");
  }

  @Test
  void aFailedOrchestrationShowsItsErrorWithoutAStackTrace() throws Exception {
    String id = newId("fail");
    startAndWait("Fail", id, new Text("disk on fire"));

    TestHttpClient.Response r = client.get("/api/orchestrations/" + id);

    JsonNode error = r.json().get("error");
    assertThat(r.json().get("status").asText()).isEqualTo("failed");
    assertThat(error.get("error_type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.get("message").asText()).isEqualTo("boom: disk on fire");
    assertThat(error.has("stack_trace")).isFalse();
    assertThat(r.raw()).doesNotContain("at dev.toygres", "\tat ");
    TestHttpClient.Response history = client.get("/api/orchestrations/" + id + "/history");
    assertThat(history.raw()).contains("ExecutionFailed").doesNotContain("stack_trace", "\tat ");
  }

  @Test
  void unknownIdsAre404OnEveryRoute() {
    String id = newId("missing");
    assertThat(HttpApiTest.assertError(client.get("/api/orchestrations/" + id), 404)).contains(id);
    HttpApiTest.assertError(client.get("/api/orchestrations/" + id + "/history"), 404);
    HttpApiTest.assertError(client.get("/api/orchestrations/" + id + "/history?execution=1"), 404);
    HttpApiTest.assertError(client.post("/api/orchestrations/" + id + "/cancel", "{}"), 404);
    HttpApiTest.assertError(
        client.post("/api/orchestrations/" + id + "/events", "{\"name\":\"go\"}"), 404);
  }

  @Test
  void historyShowsTheCurrentExecutionWithEventsAsJsonObjects() throws Exception {
    String id = newId("hist");
    startAndWait("Echo", id, new Text("hello"));

    TestHttpClient.Response r = client.get("/api/orchestrations/" + id + "/history");

    assertThat(r.status()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.get("instance_id").asText()).isEqualTo(id);
    assertThat(j.get("execution_id").asInt()).isEqualTo(1);
    List<String> types = new ArrayList<>();
    int lastSequence = Integer.MIN_VALUE;
    for (JsonNode e : j.get("events")) {
      types.add(e.get("type").asText());
      assertThat(e.get("sequence").asInt()).isGreaterThan(lastSequence);
      lastSequence = e.get("sequence").asInt();
      assertThat(e.get("recorded_at").asText()).endsWith("Z");
      assertThat(e.get("data").isObject()).isTrue();
      assertThat(e.get("data").has("type")).isFalse();
    }
    assertThat(types)
        .startsWith("ExecutionStarted")
        .contains("ActivityScheduled", "ActivityCompleted")
        .endsWith("ExecutionCompleted");
    JsonNode started = j.get("events").get(0).get("data");
    assertThat(started.get("name").asText()).isEqualTo("Echo");
    assertThat(started.get("input").get("text").asText()).isEqualTo("hello");
    JsonNode scheduled = event(j, "ActivityScheduled");
    assertThat(scheduled.get("task_id").isInt()).isTrue();
    assertThat(scheduled.get("input").asText()).isEqualTo("hello");
    assertThat(event(j, "ActivityCompleted").get("result").asText()).isEqualTo("HELLO");
    assertThat(event(j, "ExecutionCompleted").get("output").get("text").asText())
        .isEqualTo("HELLO");
  }

  @Test
  void historyOfAPastExecutionAfterContinueAsNew() throws Exception {
    String id = newId("counter");
    startAndWait("Counter", id, 1);

    JsonNode current = client.get("/api/orchestrations/" + id + "/history").json();
    JsonNode first = client.get("/api/orchestrations/" + id + "/history?execution=1").json();

    assertThat(current.get("execution_id").asInt()).isEqualTo(3);
    assertThat(executions(current)).containsExactly(1, 2, 3);
    assertThat(event(current, "ExecutionCompleted").get("output").asInt()).isEqualTo(3);
    assertThat(first.get("execution_id").asInt()).isEqualTo(1);
    assertThat(executions(first)).containsExactly(1, 2, 3);
    assertThat(event(first, "ExecutionStarted").get("input").asInt()).isEqualTo(1);
    assertThat(event(first, "ContinuedAsNew").get("input").asInt()).isEqualTo(2);
    assertThat(
            HttpApiTest.assertError(
                client.get("/api/orchestrations/" + id + "/history?execution=9"), 404))
        .contains("no execution 9");
  }

  @Test
  void historyAfterContinueAsNewInPlaceListsOnlyTheExecutionThatIsKept() throws Exception {
    // The console's execution navigator steps between the listed executions: an orchestration that
    // continues as new in place (as an instance actor does) keeps only its current one, so the
    // navigator must not offer execution 2, whose history is gone.
    String id = newId("counter-in-place");
    startAndWait("CounterInPlace", id, 1);

    JsonNode current = client.get("/api/orchestrations/" + id + "/history").json();

    assertThat(current.get("execution_id").asInt()).isEqualTo(3);
    assertThat(executions(current)).containsExactly(3);
    assertThat(event(current, "ExecutionCompleted").get("output").asInt()).isEqualTo(3);
    assertThat(client.get("/api/orchestrations/" + id + "/history?execution=3").json())
        .isEqualTo(current);
    for (int replaced : List.of(1, 2)) {
      assertThat(
              HttpApiTest.assertError(
                  client.get("/api/orchestrations/" + id + "/history?execution=" + replaced), 404))
          .contains("no execution " + replaced, "replaced in place");
    }
  }

  @Test
  void listPagesThroughInstancesNewestFirstWithTheCursor() throws Exception {
    String prefix = "page-" + UUID.randomUUID() + "-";
    List<String> started = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = prefix + i;
      startAndWait("Echo", id, new Text("p" + i));
      started.add(id);
    }

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String url = "/api/orchestrations?limit=2&prefix=" + prefix;
      if (cursor != null) {
        url +=
            "&cursor="
                + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8);
      }
      JsonNode page = client.get(url).json();
      assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
      page.get("items").forEach(i -> seen.add(i.get("instance_id").asText()));
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      pages++;
    } while (cursor != null && pages < 10);

    assertThat(pages).isEqualTo(3);
    java.util.Collections.reverse(started);
    assertThat(seen).containsExactlyElementsOf(started);
  }

  @Test
  void listFiltersByStatusAndName() throws Exception {
    String prefix = "filter-" + UUID.randomUUID() + "-";
    startAndWait("Echo", prefix + "ok", new Text("a"));
    startAndWait("Fail", prefix + "bad", new Text("b"));
    engine.start("WaitForGo", prefix + "run", new Text("c"));

    assertThat(ids("?prefix=" + prefix))
        .containsExactlyInAnyOrder(prefix + "ok", prefix + "bad", prefix + "run");
    assertThat(ids("?prefix=" + prefix + "&status=failed")).containsExactly(prefix + "bad");
    assertThat(ids("?prefix=" + prefix + "&status=running,failed"))
        .containsExactlyInAnyOrder(prefix + "bad", prefix + "run");
    assertThat(ids("?prefix=" + prefix + "&status=COMPLETED")).containsExactly(prefix + "ok");
    assertThat(ids("?prefix=" + prefix + "&name=Fail")).containsExactly(prefix + "bad");
    assertThat(ids("?prefix=" + prefix + "&status=cancelled")).isEmpty();
    JsonNode item =
        client.get("/api/orchestrations?prefix=" + prefix + "ok").json().get("items").get(0);
    assertThat(item.get("name").asText()).isEqualTo("Echo");
    assertThat(item.get("status").asText()).isEqualTo("completed");
    assertThat(item.get("created_at").asText()).endsWith("Z");

    client.post("/api/orchestrations/" + prefix + "run/cancel", "{}");
    engine.waitForCompletion(prefix + "run", WAIT);
  }

  @Test
  void aBadCursorIs400() {
    assertThat(HttpApiTest.assertError(client.get("/api/orchestrations?cursor=garbage"), 400))
        .contains("invalid page cursor");
  }

  @Test
  void metricsCountOrchestrationRoutesByTemplate() throws Exception {
    String id = newId("metrics");
    startAndWait("Echo", id, new Text("m"));
    client.get("/api/orchestrations/" + id);
    String metrics = client.withToken(null).get("/metrics").raw();
    assertThat(metrics)
        .contains(
            "toygres_http_requests_seconds_count{method=\"GET\",route=\"/api/orchestrations/{id}\",status=\"200\"}")
        .doesNotContain(id);
    assertThat(services.calls).hasValue(0);
  }

  private static Set<String> ids(String query) {
    TestHttpClient.Response r = client.get("/api/orchestrations" + query);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    Set<String> ids = new HashSet<>();
    r.json().get("items").forEach(i -> ids.add(i.get("instance_id").asText()));
    return ids;
  }

  private static List<Integer> executions(JsonNode history) {
    JsonNode stored = history.path("executions");
    assertThat(stored.isArray()).as("executions in %s", history).isTrue();
    List<Integer> numbers = new ArrayList<>();
    stored.forEach(n -> numbers.add(n.asInt()));
    return numbers;
  }

  private static JsonNode event(JsonNode history, String type) {
    for (JsonNode e : history.get("events")) {
      if (e.get("type").asText().equals(type)) {
        return e.get("data");
      }
    }
    throw new AssertionError("no " + type + " in " + history);
  }
}

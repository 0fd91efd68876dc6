package dev.toygres.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.testkit.TestHttpClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the API decides on its own, before any service: auth, routing, error bodies, parsing and
 * validation of bodies and parameters, metrics. The services here fail when called, so a 400 shows
 * the request never reached one. The routes' successful paths are tested against the real services
 * and engine in OrchestrationApiIT and InstanceApiIT.
 */
class HttpApiTest {
  static final String TOKEN = "test-admin-token-0123456789";

  private final ThrowingServices services = new ThrowingServices();
  private final AtomicBoolean ready = new AtomicBoolean(true);
  private PrometheusMeterRegistry registry;
  private HttpApi api;
  private TestHttpClient client;

  @BeforeEach
  void start() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    api =
        HttpApi.start(
            new ApiContext(
                services.instances(),
                services.actors(),
                services.doctor(),
                services.recovery(),
                services.engine(),
                TOKEN,
                registry,
                ready::get),
            "127.0.0.1",
            0);
    client = TestHttpClient.local(api.port(), TOKEN);
  }

  @AfterEach
  void stop() {
    api.close();
    registry.close();
  }

  /** A JSON error body with the status, and nothing of the server's internals. */
  static String assertError(TestHttpClient.Response r, int status) {
    assertThat(r.status()).as(r.raw()).isEqualTo(status);
    assertThat(r.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
    String error = r.error();
    assertThat(error).isNotBlank();
    assertThat(r.raw()).doesNotContain("Exception", "at dev.toygres", "at io.javalin", "\tat ");
    return error;
  }

  @Test
  void healthIsPublicAndOkOnceReady() {
    TestHttpClient.Response r = client.withToken(null).get("/health");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("status").asText()).isEqualTo("ok");
  }

  @Test
  void healthIsServiceUnavailableUntilReady() {
    ready.set(false);
    TestHttpClient.Response r = client.withToken(null).get("/health");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.json().get("status").asText()).isEqualTo("starting");
  }

  static Stream<Arguments> protectedRoutes() {
    return Stream.of(
        Arguments.of("GET", "/api/instances"),
        Arguments.of("POST", "/api/instances"),
        Arguments.of("GET", "/api/instances/db1"),
        Arguments.of("DELETE", "/api/instances/db1"),
        Arguments.of("POST", "/api/instances/db1/stop"),
        Arguments.of("GET", "/api/instances/db1/health-checks"),
        Arguments.of("POST", "/api/instances/db1/actor/restart"),
        Arguments.of("GET", "/api/orchestrations"),
        Arguments.of("GET", "/api/orchestrations/abc/history"),
        Arguments.of("POST", "/api/orchestrations/abc/cancel"),
        Arguments.of("GET", "/api/no-such-route"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("protectedRoutes")
  void apiRoutesRefuseRequestsWithoutTheAdminToken(String method, String path) {
    for (String auth :
        new String[] {
          null, "Bearer wrong", "Bearer " + TOKEN + "x", "Bearer", "Basic " + TOKEN, TOKEN
        }) {
      HttpRequest.Builder b = client.withToken(null).request(path);
      if (auth != null) {
        b.header("Authorization", auth);
      }
      TestHttpClient.Response r =
          client.send(b.method(method, HttpRequest.BodyPublishers.noBody()));
      assertError(r, 401);
      assertThat(r.header("WWW-Authenticate")).hasValue("Bearer");
    }
    assertThat(services.calls).hasValue(0);
  }

  @Test
  void theRightTokenPassesInAnyCaseOfTheScheme() {
    TestHttpClient.Response r =
        client.send(
            client
                .withToken(null)
                .request("/api/orchestrations?status=nope")
                .header("Authorization", "bearer " + TOKEN)
                .GET());
    assertThat(assertError(r, 400)).contains("unknown orchestration status 'nope'");
  }

  @Test
  void unknownRoutesAreJson404() {
    assertThat(assertError(client.get("/api/nothing-here"), 404)).isEqualTo("no such route");
    assertError(client.get("/api/instances/db1/nothing"), 404);
    assertError(client.withToken(null).get("/nothing"), 404);
  }

  @Test
  void aWrongMethodIsJson405() {
    assertError(client.method("PUT", "/api/instances"), 405);
    assertError(client.method("PATCH", "/api/instances/db1"), 405);
    assertError(client.delete("/api/orchestrations"), 405);
    assertThat(services.calls).hasValue(0);
  }

  @Test
  void noCorsHeadersAreSent() {
    TestHttpClient.Response r =
        client.send(client.request("/health").header("Origin", "https://evil.example").GET());
    assertThat(r.headers().map().keySet())
        .noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("access-control-"));
    TestHttpClient.Response preflight =
        client.send(
            client
                .request("/api/instances")
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(preflight.status()).isGreaterThanOrEqualTo(400);
    assertThat(preflight.headers().map().keySet())
        .noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("access-control-"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"name\": \"db1\", |malformed JSON",
        "not json|malformed JSON",
        "{\"name\": \"db1\", \"password\": \"pw\"} trailing|malformed JSON",
        "''|request body is empty",
        "[1, 2]|request body must be a JSON object",
        "null|request body must be a JSON object",
        "\"db1\"|request body must be a JSON object",
        "{\"name\": \"db1\", \"password\": \"pw\", \"colour\": \"red\"}|unknown field 'colour'",
        "{\"name\": \"db1\", \"password\": \"pw\", \"postgresVersion\": \"17\"}"
            + "|unknown field 'postgresVersion'",
        "{\"name\": 7, \"password\": \"pw\"}|field 'name' must be a string",
        "{\"name\": \"db1\", \"password\": [\"pw\"]}|field 'password' must be a string",
        "{\"name\": \"db1\", \"password\": \"pw\", \"storage_size_gb\": \"10\"}"
            + "|field 'storage_size_gb' must be an integer",
        "{\"name\": \"db1\", \"password\": \"pw\", \"storage_size_gb\": 10.5}"
            + "|field 'storage_size_gb' must be an integer",
        "{\"name\": \"db1\", \"password\": \"pw\", \"storage_size_gb\": true}"
            + "|field 'storage_size_gb' must be an integer",
        "{\"name\": \"db1\", \"password\": \"pw\", \"postgres_version\": 17.5}"
            + "|field 'postgres_version' must be a major version",
        "{\"name\": \"db1\", \"password\": \"pw\", \"postgres_version\": true}"
            + "|field 'postgres_version' must be a major version",
        "{\"name\": \"db1\", \"password\": \"pw\", \"postgres_version\": {\"major\": 17}}"
            + "|field 'postgres_version' must be a major version",
        "{\"password\": \"pw\"}|field 'name' is required",
        "{\"name\": \"db1\"}|field 'password' is required",
        "{\"name\": \"db1\", \"password\": \"\"}|field 'password' is required",
        "{\"name\": \"\", \"password\": \"pw\"}|field 'name' is required",
      })
  void badCreateBodiesAre400sThatNeverReachTheService(String body, String expected) {
    TestHttpClient.Response r = client.post("/api/instances", body);
    assertThat(assertError(r, 400)).contains(expected);
    assertThat(services.calls).hasValue(0);
  }

  @Test
  void aBadBodyNeverEchoesThePassword() {
    TestHttpClient.Response r =
        client.post("/api/instances", "{\"name\": \"db1\", \"password\": hunter2-secret}");
    assertError(r, 400);
    assertThat(r.raw()).doesNotContain("hunter2");
  }

  @Test
  void bodiesLargerThan64KiBAre413() {
    String big = "{\"name\": \"db1\", \"password\": \"" + "x".repeat(70 * 1024) + "\"}";
    assertThat(assertError(client.post("/api/instances", big), 413)).contains("64 KiB");
    assertError(client.post("/api/orchestrations/abc/events", big), 413);
    byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
    TestHttpClient.Response chunked =
        client.send(
            client
                .request("/api/instances")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(bytes))));
    assertError(chunked, 413);
    assertThat(services.calls).hasValue(0);
  }

  static Stream<Arguments> instanceRoutes() {
    return Stream.of(
        Arguments.of("GET", ""),
        Arguments.of("DELETE", ""),
        Arguments.of("POST", "/stop"),
        Arguments.of("POST", "/start"),
        Arguments.of("POST", "/restart"),
        Arguments.of("GET", "/health-checks"),
        Arguments.of("GET", "/events"),
        Arguments.of("POST", "/actor/start"),
        Arguments.of("POST", "/actor/restart"),
        Arguments.of("POST", "/actor/cancel"));
  }

  @ParameterizedTest(name = "{0} /api/instances/NAME{1}")
  @MethodSource("instanceRoutes")
  void invalidInstanceNamesAre400sOnEveryInstanceRoute(String method, String suffix) {
    for (String name : new String[] {"UPPER", "a_b", "a.b", "%20", "x".repeat(64)}) {
      TestHttpClient.Response r = client.method(method, "/api/instances/" + name + suffix);
      assertThat(assertError(r, 400)).contains("invalid instance name");
    }
    assertThat(services.calls).hasValue(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1001", "-1", "abc", "1.5", "99999999999"})
  void limitsOutside1To1000Are400s(String limit) {
    assertThat(assertError(client.get("/api/instances/db1/health-checks?limit=" + limit), 400))
        .contains("limit must be an integer between 1 and 1000");
    assertError(client.get("/api/instances/db1/events?limit=" + limit), 400);
    assertError(client.get("/api/orchestrations?limit=" + limit), 400);
    assertThat(services.calls).hasValue(0);
  }

  @Test
  void badOrchestrationQueriesAre400s() {
    assertThat(assertError(client.get("/api/orchestrations?status=running,bogus"), 400))
        .contains("unknown orchestration status 'bogus'");
    String longId = "i".repeat(257);
    assertThat(assertError(client.get("/api/orchestrations/" + longId), 400))
        .contains("invalid orchestration id");
    assertError(client.get("/api/orchestrations/" + longId + "/history"), 400);
    assertError(client.post("/api/orchestrations/" + longId + "/cancel"), 400);
    assertError(client.post("/api/orchestrations/" + longId + "/events", "{\"name\":\"e\"}"), 400);
    assertThat(assertError(client.get("/api/orchestrations/abc/history?execution=0"), 400))
        .contains("execution must be an integer");
    assertError(client.get("/api/orchestrations/abc/history?execution=two"), 400);
    assertThat(services.calls).hasValue(0);
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''|request body is empty",
        "{}|field 'name' is required",
        "{\"name\": \" \"}|field 'name' is required",
        "{\"name\": 5, \"data\": 1}|field 'name' must be a string",
        "{\"name\": \"go\", \"payload\": 1}|unknown field 'payload'",
        "{\"name\": \"go\"|malformed JSON",
      })
  void badEventBodiesAre400s(String body, String expected) {
    TestHttpClient.Response r = client.post("/api/orchestrations/abc/events", body);
    assertThat(assertError(r, 400)).contains(expected);
    assertThat(services.calls).hasValue(0);
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"reason\": 5}|field 'reason' must be a string",
        "{\"why\": \"x\"}|unknown field 'why'",
        "[]|request body must be a JSON object",
      })
  void badCancelBodiesAre400s(String body, String expected) {
    TestHttpClient.Response r = client.post("/api/orchestrations/abc/cancel", body);
    assertThat(assertError(r, 400)).contains(expected);
    assertThat(services.calls).hasValue(0);
  }

  @Test
  void anUnexpectedFailureIsA500WithAGenericMessage() {
    TestHttpClient.Response r = client.get("/api/instances");
    assertThat(assertError(r, 500)).isEqualTo(ApiErrors.INTERNAL);
    assertThat(r.raw()).doesNotContain(ThrowingServices.MESSAGE, "IllegalState");
    assertThat(services.calls).hasValue(1);
  }

  @Test
  void anIllegalArgumentFromDeepCodeIsA500NotA400() {
    services.failWith(IllegalArgumentException::new);

    TestHttpClient.Response r = client.get("/api/instances");

    assertThat(assertError(r, 500)).isEqualTo(ApiErrors.INTERNAL);
    assertThat(r.raw()).doesNotContain(ThrowingServices.MESSAGE, "IllegalArgument");
    assertThat(services.calls).hasValue(1);
  }

  @Test
  void requestsJettyRefusesAreJsonToo() throws IOException {
    String raw = rawRequest("GET /api/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(raw).startsWith("HTTP/1.1 400");
    String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
    assertThat(body).contains("\"error\"").doesNotContain("<html", "Exception");
  }

  @Test
  void metricsShowTheRequestTimerAndErrorCounter() {
    client.withToken(null).get("/health");
    client.withToken(null).get("/api/instances");
    client.get("/api/instances/Bad_Name");
    client.get("/api/whatever/path");
    TestHttpClient.Response r = client.withToken(null).get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("text/plain"));
    assertThat(r.raw())
        .contains(
            "toygres_http_requests_seconds_count{method=\"GET\",route=\"/health\",status=\"200\"} 1")
        .contains("route=\"/api/instances/{name}\",status=\"400\"")
        .contains("route=\"unmatched\",status=\"401\"")
        .contains("toygres_api_errors_total{status=\"401\"}")
        .contains("toygres_api_errors_total{status=\"400\"}")
        .doesNotContain("Bad_Name", "/api/whatever");
  }

  @Test
  void theContextNeverPrintsTheToken() {
    assertThat(
            new ApiContext(
                    services.instances(),
                    services.actors(),
                    services.doctor(),
                    services.recovery(),
                    services.engine(),
                    TOKEN,
                    registry,
                    ready::get)
                .toString())
        .doesNotContain(TOKEN);
  }

  private String rawRequest(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", api.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

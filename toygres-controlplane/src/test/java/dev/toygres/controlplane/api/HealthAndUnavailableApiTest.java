package dev.toygres.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.access.ApiUsers;
import dev.toygres.controlplane.cms.CmsException;
import dev.toygres.controlplane.cms.CmsUnavailableException;
import dev.toygres.engine.store.StoreUnavailableException;
import dev.toygres.testkit.TestHttpClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The health routes answer from the report they are given (ready and live separately, components
 * named), and while the report says the metadata database is unreachable an {@code /api} request
 * fails at once with a 503 JSON error and Retry-After, never reaching a service; database
 * unavailability anywhere in an exception's causes is a 503, not a 500.
 */
class HealthAndUnavailableApiTest {
  private static final String TOKEN = "health-test-token-0123456789";
  private final ThrowingServices services = new ThrowingServices();
  private final AtomicReference<HealthReport> health = new AtomicReference<>();
  private PrometheusMeterRegistry registry;
  private HttpApi api;
  private TestHttpClient client;

  private static HealthReport report(boolean dbOk, boolean loopOk) {
    Instant now = Instant.now();
    HealthReport.Component db =
        new HealthReport.Component(
            HealthReport.DATABASE,
            dbOk ? "reachable" : "unreachable",
            dbOk,
            now,
            0.0,
            dbOk ? null : "SELECT 1 has not answered for 3s");
    HealthReport.Component loop =
        new HealthReport.Component(
            "orchestration-dispatcher-0",
            "polling",
            loopOk,
            now,
            0.5,
            loopOk ? null : "no progress for 61s");
    boolean ready = dbOk && loopOk;
    return new HealthReport(
        ready ? HealthReport.OK : HealthReport.UNAVAILABLE, loopOk, ready, now, List.of(db, loop));
  }

  @BeforeEach
  void start() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    health.set(report(true, true));
    api =
        HttpApi.start(
            new ApiContext(
                services.instances(),
                services.actors(),
                services.doctor(),
                services.recovery(),
                services.engine(),
                new ApiUsers(TOKEN, null),
                registry,
                health::get,
                null,
                null,
                null),
            "127.0.0.1",
            0);
    client = TestHttpClient.local(api.port(), TOKEN);
  }

  @AfterEach
  void stop() {
    api.close();
    registry.close();
  }

  @Test
  void aHealthyServerIsReadyAndLiveWithItsComponentsNamed() {
    for (String path : new String[] {"/health", "/health/ready", "/health/live"}) {
      TestHttpClient.Response r = client.withToken(null).get(path);

      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.json().get("status").asText()).isEqualTo("ok");
      assertThat(r.json().get("ready").asBoolean()).isTrue();
      assertThat(r.json().get("live").asBoolean()).isTrue();
      assertThat(r.json().get("components").get(0).get("name").asText())
          .isEqualTo("metadata_database");
      assertThat(r.json().get("components").get(1).get("last_progress").isTextual()).isTrue();
    }
  }

  @Test
  void anUnreachableDatabaseMakesTheServerNotReadyButStillLive() {
    health.set(report(false, true));

    TestHttpClient.Response ready = client.withToken(null).get("/health/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().get("status").asText()).isEqualTo("unavailable");
    assertThat(ready.json().get("components").get(0).get("state").asText())
        .isEqualTo("unreachable");
    assertThat(client.withToken(null).get("/health").status()).isEqualTo(503);
    assertThat(client.withToken(null).get("/health/live").status()).isEqualTo(200);
  }

  @Test
  void aStalledLoopMakesTheServerNeitherLiveNorReady() {
    health.set(report(true, false));

    assertThat(client.withToken(null).get("/health/live").status()).isEqualTo(503);
    assertThat(client.withToken(null).get("/health/ready").status()).isEqualTo(503);
  }

  @Test
  void whileTheDatabaseIsUnreachableApiRequestsFailAtOnceWith503AndRetryAfter() {
    health.set(report(false, true));

    TestHttpClient.Response r = client.get("/api/instances");

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.error()).isEqualTo(ApiErrors.UNAVAILABLE);
    assertThat(r.header("Retry-After")).contains(ApiErrors.RETRY_AFTER_SECONDS);
    assertThat(services.calls.get()).isZero();
  }

  @Test
  void aServiceFailingBecauseTheDatabaseIsOutAnswers503NotA500() {
    services.failWith(m -> new CmsUnavailableException("CMS database unavailable: " + m, null));

    TestHttpClient.Response r = client.get("/api/instances");

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.error()).isEqualTo(ApiErrors.UNAVAILABLE);
    assertThat(r.header("Retry-After")).isPresent();
    assertThat(services.calls.get()).isEqualTo(1);
  }

  @Test
  void unavailabilityAnywhereInTheCausesIsA503AndOtherCmsErrorsStay500() {
    assertThat(ApiErrors.map(new StoreUnavailableException("socket timeout", null)).status())
        .isEqualTo(503);
    assertThat(
            ApiErrors.map(
                    new IllegalStateException(
                        "wrapped", new SQLTransientConnectionException("pool timed out")))
                .status())
        .isEqualTo(503);
    ApiErrors.Mapped other = ApiErrors.map(new CmsException("CMS database error: 23505", null));
    assertThat(other.status()).isEqualTo(500);
    assertThat(other.message()).isEqualTo(ApiErrors.INTERNAL);
  }
}

package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.testkit.Browser;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's system page against a real server: ready, its components, the three singletons and
 * both engine queues, all healthy; then the supervisor cancelled through the API (the supervisor
 * interval is an hour, so nothing starts it again during the test) shown in red with the reason;
 * then the server stopped: the page says the API cannot be reached, and shows no readiness it can
 * no longer read.
 */
class ConsoleSystemBrowserIT {
  private static final Duration SLOW = Duration.ofSeconds(30);
  private static final String[] SINGLETONS = {"actor-supervisor", "pruner", "backup-scheduler"};
  private static TestServer server;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireInstalled();
    server =
        TestServer.start(
            "console-system",
            53482,
            new TestServer.Settings(
                Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(1), true));
    browser = Browser.start(Path.of("target", "screenshots").toAbsolutePath());
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void theSystemPageShowsReadinessSingletonsAndQueuesThenACancelledSupervisorAndALostServer() {
    String base = "http://127.0.0.1:" + server.server().port();
    browser.open(base + "/#/system");
    browser.type("#login-token", TestServer.TOKEN);
    browser.click("#login-submit");

    browser.until(
        SLOW,
        "the page shows the server ready and everything healthy",
        d ->
            "true".equals(browser.attribute("#system-ready", "data-healthy"))
                && "true".equals(browser.attribute("#system-healthy", "data-healthy")));
    assertThat(browser.attribute("#nav-system", "aria-current")).isEqualTo("page");
    assertThat(browser.text("#system-status")).isEqualTo("ok");
    assertThat(browser.isShown("#component-metadata_database")).isTrue();
    for (String s : SINGLETONS) {
      assertThat(browser.attribute("#singleton-" + s, "data-status")).as(s).isEqualTo("running");
      assertThat(browser.attribute("#singleton-" + s, "data-healthy")).as(s).isEqualTo("true");
    }
    for (String q : new String[] {"orchestrations", "activities"}) {
      assertThat(browser.isShown("#queue-" + q)).as(q).isTrue();
      assertThat(Long.parseLong(browser.text("#queue-" + q + " .ready"))).as(q).isNotNegative();
    }
    assertThat(browser.text("#server-pid"))
        .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
    browser.screenshot("system-01-healthy");

    TestHttpClient.Response cancel =
        server
            .api()
            .post(
                "/api/orchestrations/toygres-actor-supervisor/cancel",
                Map.of("reason", "ConsoleSystemBrowserIT"));
    assertThat(cancel.status()).as(cancel.raw()).isEqualTo(202);
    browser.until(
        SLOW,
        "the page shows the supervisor cancelled and unhealthy",
        d ->
            "cancelled".equals(browser.attribute("#singleton-actor-supervisor", "data-status"))
                && "false".equals(browser.attribute("#singleton-actor-supervisor", "data-healthy"))
                && "false".equals(browser.attribute("#system-healthy", "data-healthy")));
    assertThat(browser.attribute("#singleton-actor-supervisor td:nth-child(3) .badge", "class"))
        .contains("b-unhealthy");
    assertThat(browser.text("#system-problems"))
        .contains("singleton actor-supervisor is cancelled");
    assertThat(browser.attribute("#singleton-pruner", "data-healthy")).isEqualTo("true");
    browser.fullPageScreenshot("system-02-supervisor-cancelled");

    assertThat(browser.isShown("#system-error")).isFalse();
    server.stopServerOnly();
    browser.until(
        SLOW,
        "the page says the API cannot be reached",
        d ->
            browser.isShown("#system-error")
                && browser.text("#system-error").contains("cannot be reached")
                && browser.isShown("#readiness-unreachable"));
    assertThat(browser.isShown("#system-ready")).as("no stale readiness").isFalse();
    assertThat(browser.isShown("#system-healthy")).as("no stale summary").isFalse();
    assertThat(browser.text("#system-error")).contains("last reading");
    browser.screenshot("system-03-unreachable");
    assertThat(browser.scriptErrors()).isEmpty();
  }
}

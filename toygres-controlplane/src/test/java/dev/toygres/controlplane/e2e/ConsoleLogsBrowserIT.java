package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.testkit.Browser;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The instance page's log tail in a real headless Chromium: the primary's PostgreSQL log is shown,
 * and an error the tenant causes afterwards appears in it with the page's own refresh.
 */
@ExtendWith(Browser.Required.class)
class ConsoleLogsBrowserIT {
  private static final Duration SLOW = Duration.ofSeconds(90);
  private static final String PASSWORD = "correct-horse-2";
  private static TestServer server;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireInstalled();
    server = TestServer.start("console-logs", 52482);
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
  void theInstancePageShowsThePrimarysLogAndLinesWrittenSinceWithoutAReload() throws Exception {
    TestHttpClient api = server.api();
    TestHttpClient.Response r =
        api.post("/api/instances", "{\"name\":\"weblog\",\"password\":\"" + PASSWORD + "\"}");
    assertThat(r.status()).as(r.raw()).isEqualTo(202);

    browser.open("http://127.0.0.1:" + server.server().port() + "/#/instances/weblog");
    browser.type("#login-token", TestServer.TOKEN);
    browser.click("#login-submit");
    browser.until(
        SLOW,
        "the primary's log is shown",
        d ->
            browser.isShown("#log-0")
                && browser.text("#log-0").contains("ready to accept connections"));
    assertThat(browser.text("#logs-panel .log-member[data-role=primary] h3")).contains("primary");
    browser.screenshot("logs-01-instance");

    browser.until(
        SLOW,
        "the instance runs",
        d -> "running".equals(api.get("/api/instances/weblog").body().get("state").asText()));
    int port = api.get("/api/instances/weblog").body().get("data_plane").get("port").asInt();
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", PASSWORD)) {
      c.createStatement().execute("SELECT no_such_column_in_the_console_test");
    } catch (SQLException expected) {
      // the error is what the log shows
    }
    browser.until(
        SLOW,
        "the tenant's error appears without a reload",
        d -> browser.text("#log-0").contains("no_such_column_in_the_console_test"));
    browser.screenshot("logs-02-error-shown");
    assertThat(browser.scriptErrors()).isEmpty();
  }
}

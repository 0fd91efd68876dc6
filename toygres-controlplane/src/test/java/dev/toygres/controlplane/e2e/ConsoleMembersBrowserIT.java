package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.testkit.Browser;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The instance page's members panel in a real headless Chromium, for an instance with a replica:
 * the members, the members the health history saw, and the Scale and Switchover buttons.
 */
@ExtendWith(Browser.Required.class)
class ConsoleMembersBrowserIT {
  private static final Duration SLOW = Duration.ofSeconds(90);
  private static TestServer server;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireInstalled();
    server = TestServer.start("console-members", 43432);
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
  void theInstancePageShowsThePrimaryAndItsStandbyAndScalingToZeroRemovesThem() {
    TestHttpClient api = server.api();
    TestHttpClient.Response r =
        api.post(
            "/api/instances",
            "{\"name\":\"webrep\",\"password\":\"correct-horse-1\",\"replicas\":1}");
    assertThat(r.status()).as(r.raw()).isEqualTo(202);

    browser.open("http://127.0.0.1:" + server.server().port() + "/#/instances/webrep");
    browser.type("#login-token", TestServer.TOKEN);
    browser.click("#login-submit");
    browser.until(
        SLOW,
        "the standby streams",
        d ->
            browser.isShown("#members-table")
                && browser.text("#members-table").contains("standby")
                && !browser.text("#members-table").contains("not streaming")
                && browser.text("#members-table tr[data-role=standby]").contains("healthy"));
    assertThat(browser.all("#members-table tbody tr")).hasSize(2);
    assertThat(browser.text("#members-table tr[data-role=primary]")).contains("primary");
    assertThat(browser.text("#conn-string")).contains(",127.0.0.1:", "read-write");
    assertThat(browser.text("#conn-string-ro")).contains("prefer-standby");
    browser.until(
        SLOW,
        "the health history shows the members",
        d ->
            browser.isShown("#health-members-seen")
                && browser.text("#health-members-seen").contains("standby 1 ok"));
    assertThat(browser.text("#health-members-seen")).contains("primary ok", "timeline 1");
    browser.until(
        SLOW,
        "scale and switchover are offered",
        d -> browser.isShown("#btn-scale") && browser.isShown("#btn-switchover"));
    browser.screenshot("members-01-instance");

    browser.click("#btn-scale");
    browser.visible("#confirm-dialog[open] #confirm-replicas");
    browser.type("#confirm-replicas", "0");
    browser.click("#confirm-ok");
    browser.until(
        SLOW,
        "the standby is removed",
        d -> browser.isShown("#members-none") && !browser.isShown("#members-table"));
    browser.until(
        SLOW,
        "switchover is no longer offered",
        d -> !browser.isShown("#btn-switchover") && browser.isShown("#btn-scale"));
    browser.screenshot("members-02-scaled-to-zero");
    assertThat(browser.scriptErrors()).isEmpty();
  }
}

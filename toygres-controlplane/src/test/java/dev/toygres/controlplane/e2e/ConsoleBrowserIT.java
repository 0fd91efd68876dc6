package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.Browser;
import dev.toygres.controlplane.testkit.MetadataDb;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console in a real headless Chromium, against a real server and real PostgreSQL instances:
 * every step is what an operator would do with a mouse, and every check is what they would see.
 * Screenshots of each page go to {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Browser.Required.class)
class ConsoleBrowserIT {
  private static final String NAME = "webdb";
  private static final Duration SLOW = Duration.ofSeconds(90);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static TestServer server;
  private static Browser browser;
  private static TestHttpClient api;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireInstalled();
    // Health every second, stale after 6 s, and no auto-repair: the doctor page does the repairs.
    // The actor's first crash restart waits 10 min, so a killed server stays down until the page
    // restarts it.
    server =
        TestServer.start(
            "console",
            41432,
            new TestServer.Settings(
                    Duration.ofSeconds(1), Duration.ofSeconds(6), Duration.ofSeconds(60), false)
                .withRestartBackoff(List.of(Duration.ofMinutes(10))));
    api = server.api();
    base = "http://127.0.0.1:" + server.server().port();
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
        try {
          deleteInstance();
        } finally {
          server.close();
        }
      }
    }
  }

  private static void deleteInstance() {
    if (api.get("/api/instances/" + NAME).status() != 200) {
      return;
    }
    api.delete("/api/instances/" + NAME);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && api.get("/api/instances/" + NAME).status() == 200) {
      sleep(300);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static JsonNode instance() {
    TestHttpClient.Response r = api.get("/api/instances/" + NAME);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    return r.body();
  }

  private static void confirm() {
    browser.visible("#confirm-dialog[open] #confirm-ok");
    browser.click("#confirm-ok");
    browser.until(WAIT, "the dialog closes", d -> !browser.isShown("#confirm-dialog"));
  }

  @Test
  @Order(1)
  void logsInWithTheAdminToken() {
    browser.open(base + "/#/fleet");
    browser.visible("#login-token");
    assertThat(browser.isShown("#topbar")).isFalse();
    browser.screenshot("01-login");

    browser.type("#login-token", "not-the-token");
    browser.click("#login-submit");
    assertThat(browser.text("#login-error")).contains("not a valid API token");

    browser.type("#login-token", TestServer.TOKEN);
    browser.click("#login-submit");
    browser.visible("#fleet-empty");
    assertThat(browser.attribute("#nav-fleet", "aria-current")).isEqualTo("page");
    assertThat(browser.text("#whoami")).contains("admin");
    assertThat(browser.isShown("#nav-create")).isTrue();
    Set<Cookie> cookies = browser.driver().manage().getCookies();
    assertThat(cookies)
        .anySatisfy(c -> assertThat(c.getName()).isEqualTo("toygres_session"))
        .allSatisfy(c -> assertThat(c.isHttpOnly()).isTrue());
  }

  @Test
  @Order(2)
  void createsAnInstanceThroughTheFormAndWatchesItBecomeHealthy() {
    browser.click("#nav-create");
    browser.click("#create-submit");
    assertThat(browser.text("#create-name-error")).contains("required");
    assertThat(browser.text("#create-password-error")).contains("required");

    browser.type("#create-name", "Bad_Name");
    browser.type("#create-password", "short");
    browser.click("#create-submit");
    assertThat(browser.text("#create-name-error")).contains("lower-case");
    assertThat(browser.text("#create-password-error")).containsIgnoringCase("at least 8");

    // Passes the page's checks but not the server's: its 400 text is shown next to the form.
    browser.type("#create-name", NAME);
    browser.type("#create-password", "web-secret-pass");
    browser.type("#create-version", "9");
    browser.click("#create-submit");
    assertThat(browser.text("#create-error")).contains("400").contains("not available");

    browser.type("#create-version", "");
    browser.click("#create-submit");
    browser.visible("#create-progress #create-steps");
    Set<String> statuses = new LinkedHashSet<>();
    browser.until(
        SLOW,
        "the create orchestration finishes and the instance turns healthy",
        d -> {
          statuses.add(browser.text("#create-status"));
          if (statuses.size() == 2) {
            browser.screenshot("02-create");
          }
          return browser.isShown("#create-done");
        });
    assertThat(String.join("\n", statuses)).contains("running");
    assertThat(browser.all("#create-steps li.done")).hasSize(5);
    assertThat(browser.text("#create-done")).contains("running and healthy");
    browser.screenshot("02-create-done");
    JsonNode i = instance();
    assertThat(i.get("state").asText()).isEqualTo("running");
    assertThat(i.get("health_status").asText()).isEqualTo("healthy");
  }

  @Test
  @Order(3)
  void aKilledServerTurnsUnhealthyOnTheFleetPageWithoutAReload() {
    browser.click("#nav-fleet");
    String row = "#row-" + NAME;
    browser.until(
        WAIT,
        "the fleet shows the instance healthy, with a sparkline",
        d ->
            "healthy".equals(browser.attribute(row + " td.health", "data-health"))
                && "healthy".equals(browser.attribute(row + " td.diagnosis", "data-diagnosis"))
                && !browser.all(row + " td.spark svg.sparkline").isEmpty());
    browser.script("window.__noReload = 'still here';");

    long pid = instance().get("data_plane").get("pid").asLong();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();

    browser.until(
        WAIT,
        "the fleet page shows the killed instance unhealthy",
        d -> "unhealthy".equals(browser.attribute(row + " td.health", "data-health")));
    assertThat(browser.script("return window.__noReload;")).isEqualTo("still here");
    browser.until(
        WAIT,
        "the counts follow",
        d -> "1".equals(browser.attribute("#count-health-unhealthy", "data-count")));
    browser.until(
        WAIT,
        "the sparkline marks failed checks",
        d -> !browser.all(row + " td.spark circle.spark-bad").isEmpty());
    browser.screenshot("03-fleet");
  }

  @Test
  @Order(4)
  void theFleetPageDrawsItsSparklinesWithoutAskingForEachInstancesChecks() {
    browser.script("performance.clearResourceTimings();");
    String before = browser.text("#fleet-updated");
    browser.until(
        WAIT,
        "the fleet page refreshes twice",
        d -> {
          Object n =
              browser.script(
                  "return performance.getEntriesByType('resource')"
                      + ".filter(e => new URL(e.name).pathname === '/api/instances').length;");
          return !browser.text("#fleet-updated").equals(before) && ((Number) n).intValue() >= 2;
        });
    Object perInstance =
        browser.script(
            "return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.includes('/health-checks')).length;");
    assertThat(((Number) perInstance).intValue()).isZero();
    assertThat(browser.all("#row-" + NAME + " td.spark svg.sparkline")).hasSize(1);
  }

  @Test
  @Order(5)
  void restartsTheActorFromTheInstancePageAndSeesANewActorId() {
    browser.click("#row-" + NAME + " a.name");
    browser.visible("#actor-id a");
    String old = browser.text("#actor-id");
    assertThat(old).startsWith("actor-");
    browser.until(
        WAIT,
        "the chart marks the unhealthy checks",
        d -> {
          String bad = browser.attribute("#health-chart", "data-unhealthy");
          return bad != null && Integer.parseInt(bad) > 0;
        });
    assertThat(browser.text("#conn-string")).contains(":****@").doesNotContain("web-secret-pass");

    browser.click("#actor-restart");
    assertThat(browser.text("#confirm-title")).contains("Restart actor");
    confirm();
    String fresh =
        browser.until(
            WAIT,
            "the actor panel shows a new actor id",
            d -> {
              String now = browser.text("#actor-id");
              return now.startsWith("actor-") && !now.equals(old) ? now : null;
            });
    assertThat(instance().get("instance_actor_orchestration_id").asText()).isEqualTo(fresh);

    // Bring the killed server back from the same page.
    browser.click("#btn-restart");
    confirm();
    browser.until(
        SLOW,
        "the restarted server turns healthy",
        d -> "healthy".equals(browser.text("#instance-health")));
    browser.click("#window-200");
    browser.until(
        WAIT,
        "the chart redraws for the chosen window",
        d -> "true".equals(browser.attribute("#window-200", "aria-pressed")));
    browser.fullPageScreenshot("04-instance");
    // Running, with a running actor: no Start, no actor Start, since the server would refuse them.
    assertShown(List.of("#btn-stop", "#btn-restart", "#btn-delete", "#actor-restart"));
    assertHidden(List.of("#btn-start", "#actor-start"));
  }

  private static void assertShown(List<String> selectors) {
    selectors.forEach(css -> assertThat(browser.isShown(css)).as(css + " is shown").isTrue());
  }

  private static void assertHidden(List<String> selectors) {
    selectors.forEach(css -> assertThat(browser.isShown(css)).as(css + " is hidden").isFalse());
  }

  @Test
  @Order(6)
  void aFailedInstanceOffersOnlyDeleteAndIsDeletedFromItsPage() throws Exception {
    String broken = "broken";
    try (MetadataDb db = MetadataDb.of(server.dataDir())) {
      db.update(
          "INSERT INTO toygres_cms.instances (id, user_name, k8s_name, postgres_version, state)"
              + " VALUES (gen_random_uuid(), '"
              + broken
              + "', 'broken-x1y2z3', '18', 'failed')");
    }
    browser.open(base + "/#/instances/" + broken);
    browser.until(
        WAIT,
        "the page shows the failed instance",
        d -> "failed".equals(browser.text("#instance-state")));
    browser.until(WAIT, "Delete is offered", d -> browser.isShown("#btn-delete"));
    assertHidden(
        List.of(
            "#btn-stop",
            "#btn-start",
            "#btn-restart",
            "#actor-start",
            "#actor-restart",
            "#actor-cancel"));
    browser.screenshot("04-failed-instance");

    browser.click("#btn-delete");
    browser.type("#confirm-delete-name", broken);
    confirm();
    browser.until(SLOW, "the failed instance is gone", d -> browser.isShown("#instance-gone"));
    assertThat(api.get("/api/instances/" + broken).status()).isEqualTo(404);
  }

  @Test
  @Order(7)
  void recoversAMissingActorFromTheDoctorPage() throws Exception {
    String old = instance().get("instance_actor_orchestration_id").asText();
    try (MetadataDb db = MetadataDb.of(server.dataDir())) {
      int n =
          db.update(
              "UPDATE toygres_cms.instances SET instance_actor_orchestration_id = NULL"
                  + " WHERE user_name = '"
                  + NAME
                  + "' AND deleted_at IS NULL");
      assertThat(n).isEqualTo(1);
    }
    browser.click("#nav-fleet");
    String row = "#row-" + NAME;
    browser.until(
        WAIT,
        "the fleet shows the actor missing and the last check turning amber",
        d ->
            "missing".equals(browser.attribute(row + " td.diagnosis", "data-diagnosis"))
                && String.valueOf(browser.attribute(row + " td.age", "class")).contains("stale"));

    browser.click("#nav-doctor");
    String doctorRow = "#doctor-row-" + NAME;
    browser.until(
        WAIT,
        "the doctor lists the missing actor",
        d -> "missing".equals(browser.attribute(doctorRow, "data-diagnosis")));
    browser.click("#filter-missing");
    assertThat(browser.text("#recover-selected")).contains("missing");
    browser.click("#recover-selected");
    browser.visible("#confirm-dialog[open] #preview-table");
    assertThat(browser.text("#preview-summary")).contains("Dry run");
    assertThat(browser.text("#preview-table")).contains(NAME).contains("missing");
    browser.screenshot("05-doctor-preview");
    // The dry run changed nothing.
    assertThat(instance().get("instance_actor_orchestration_id").isNull()).isTrue();
    confirm();
    assertThat(browser.text("#recover-table")).contains(NAME);

    browser.click("#filter-missing");
    browser.until(
        WAIT,
        "the doctor shows the instance's actor healthy again",
        d -> "healthy".equals(browser.attribute(doctorRow, "data-diagnosis")));
    browser.screenshot("05-doctor");
    JsonNode i = instance();
    assertThat(i.get("instance_actor_orchestration_id").asText())
        .startsWith("actor-")
        .isNotEqualTo(old);
    assertThat(i.get("health_status").asText()).isEqualTo("healthy");

    browser.click("#nav-fleet");
    browser.until(
        WAIT,
        "the fleet shows it healthy again",
        d ->
            "healthy".equals(browser.attribute(row + " td.diagnosis", "data-diagnosis"))
                && "healthy".equals(browser.attribute(row + " td.health", "data-health"))
                && !String.valueOf(browser.attribute(row + " td.age", "class")).contains("stale"));
  }

  @Test
  @Order(8)
  void browsesOrchestrationsAndOneOrchestrationsHistory() {
    browser.click("#nav-orchestrations");
    browser.visible("#orch-table tbody tr");
    new Select(browser.visible("#orch-status")).selectByValue("completed");
    browser.type("#orch-name", "toygres.create-instance");
    browser.click("#orch-apply");
    browser.until(
        WAIT,
        "only completed create orchestrations are listed",
        d -> {
          var rows = browser.all("#orch-table tbody tr");
          return !rows.isEmpty()
              && rows.stream().allMatch(r -> "completed".equals(r.getDomAttribute("data-status")));
        });
    browser.screenshot("06-orchestrations");

    String createId = instance().get("create_orchestration_id").asText();
    browser.click("#orch-table a[href='#/orchestrations/" + createId + "']");
    browser.until(
        WAIT,
        "the orchestration's info and history are shown",
        d ->
            "completed".equals(browser.text("#orch-detail-status"))
                && !browser.all("#history-table tbody tr").isEmpty());
    assertThat(browser.text("#orch-custom-status")).contains("running");
    assertThat(browser.visible("#orch-cancel").isEnabled()).isFalse();
    browser.type("#raise-name", "hello");
    browser.type("#raise-data", "{not json");
    browser.click("#raise-submit");
    assertThat(browser.text("#raise-error")).contains("not valid JSON");
    browser.fullPageScreenshot("07-orchestration");

    // The instance's actor keeps only its current execution (continue-as-new in place): the
    // navigator offers no earlier one, though the actor is far past its first.
    String actor = instance().get("instance_actor_orchestration_id").asText();
    browser.open(base + "/#/orchestrations/" + actor);
    browser.until(
        WAIT,
        "the actor's current execution, past its first, is shown",
        d ->
            !browser.all("#history-table tbody tr").isEmpty()
                && browser.text("#exec-of").matches("of ([2-9]|\\d{2,})"));
    assertThat(browser.visible("#exec-prev").isEnabled())
        .as("no execution before the current one is kept to step back to")
        .isFalse();
    assertThat(browser.visible("#exec-next").isEnabled()).isFalse();
  }

  @Test
  @Order(9)
  void logsOutAndTheOldCookieIsRefused() throws Exception {
    browser.click("#nav-fleet");
    Cookie session = browser.driver().manage().getCookieNamed("toygres_session");
    assertThat(session).isNotNull();
    browser.click("#logout");
    browser.visible("#login-token");
    assertThat(browser.text("#login-error")).contains("logged out");

    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + "/api/instances"))
                    .header("Cookie", "toygres_session=" + session.getValue())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);

    // Even with the old cookie put back, the console lands on the login page.
    browser.driver().manage().addCookie(session);
    browser.open(base + "/?again#/doctor");
    browser.visible("#login-token");
    assertThat(browser.isShown("#doctor-table")).isFalse();
  }

  @Test
  @Order(10)
  void noPageLoggedAScriptError() {
    assertThat(browser.scriptErrors()).isEmpty();
  }
}

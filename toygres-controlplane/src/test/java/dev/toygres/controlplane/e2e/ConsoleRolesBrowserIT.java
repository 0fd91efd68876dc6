package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.testkit.Browser;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The web console per role, in a real headless Chromium against a real server and instance: a
 * viewer's session names its token and role in the top bar and offers nothing that changes anything
 * (and the server refuses such a request from its page with 403); an operator's session offers
 * every control the instance's state allows, and only those.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Browser.Required.class)
class ConsoleRolesBrowserIT {
  private static final String NAME = "roles-web";
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Every control that changes something, by page. */
  private static final List<String> INSTANCE_WRITES =
      List.of(
          "#btn-stop",
          "#btn-start",
          "#btn-restart",
          "#btn-scale",
          "#btn-switchover",
          "#btn-delete",
          "#actor-start",
          "#actor-restart",
          "#actor-cancel");

  /**
   * What a running instance without standbys, with a running actor, does not allow (the server
   * would refuse).
   */
  private static final List<String> REFUSED_WHILE_RUNNING =
      List.of("#btn-start", "#btn-switchover", "#actor-start");

  private static final List<String> DOCTOR_WRITES = List.of("#recover-selected", "#recover-all");
  private static final List<String> ORCHESTRATION_WRITES = List.of("#orch-cancel", "#raise-panel");

  private static TestServer server;
  private static Browser browser;
  private static TestHttpClient admin;
  private static String base;
  private static String viewer;
  private static String operator;
  private static String actorId;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireInstalled();
    server =
        TestServer.start(
            "console-roles",
            29550,
            new TestServer.Settings(
                Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(60), false));
    admin = server.api();
    base = "http://127.0.0.1:" + server.server().port();
    viewer = secret("web-viewer", "viewer");
    operator = secret("web-operator", "operator");
    ActorAsserts.createHealthy(admin, NAME);
    actorId = ActorAsserts.recordedActor(admin, NAME);
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
          ActorAsserts.deleteAll(admin);
        } finally {
          server.close();
        }
      }
    }
  }

  private static String secret(String name, String role) {
    TestHttpClient.Response r = admin.post("/api/tokens", Map.of("name", name, "role", role));
    assertThat(r.status()).as(r.raw()).isEqualTo(201);
    return r.body().get("token").asText();
  }

  private static void login(String token) {
    browser.open(base + "/#/fleet");
    browser.type("#login-token", token);
    browser.click("#login-submit");
    browser.visible("#row-" + NAME);
  }

  /** Opens a page and waits until it has drawn what the server sent. */
  private static void openInstancePage() {
    browser.open(base + "/#/instances/" + NAME);
    browser.until(WAIT, "the actor panel shows the actor", d -> browser.isShown("#actor-id a"));
  }

  private static void openDoctor() {
    browser.open(base + "/#/doctor");
    browser.until(
        WAIT,
        "the doctor lists the instance",
        d -> "healthy".equals(browser.attribute("#doctor-row-" + NAME, "data-diagnosis")));
  }

  private static void openActorOrchestration() {
    browser.open(base + "/#/orchestrations/" + actorId);
    browser.until(
        WAIT,
        "the orchestration's info is shown",
        d -> "running".equals(browser.text("#orch-detail-status")));
  }

  private static void assertPresentButHidden(List<String> selectors) {
    for (String css : selectors) {
      assertThat(browser.all(css)).as(css + " is on the page").hasSize(1);
      assertThat(browser.isShown(css)).as(css + " is hidden").isFalse();
    }
  }

  private static void assertShown(List<String> selectors) {
    for (String css : selectors) {
      assertThat(browser.isShown(css)).as(css + " is shown").isTrue();
    }
  }

  @Test
  @Order(1)
  void aViewersSessionShowsItsNameAndNoControlThatChangesAnything() {
    login(viewer);
    assertThat(browser.text("#whoami-name")).isEqualTo("web-viewer");
    assertThat(browser.text("#whoami-role")).isEqualTo("viewer");
    assertThat(browser.isShown("#nav-create")).isFalse();
    assertThat(browser.isShown("#nav-doctor")).isTrue();

    openInstancePage();
    assertPresentButHidden(INSTANCE_WRITES);
    assertThat(browser.isShown("#copy-conn")).isTrue();
    browser.fullPageScreenshot("roles-viewer-instance");

    openDoctor();
    assertPresentButHidden(DOCTOR_WRITES);
    assertThat(browser.isShown("#filter-healthy")).isTrue();

    openActorOrchestration();
    assertPresentButHidden(ORCHESTRATION_WRITES);

    browser.open(base + "/#/create");
    assertThat(browser.text("#create-refused")).contains("web-viewer").contains("may only read");
    assertThat(browser.all("#create-form")).isEmpty();
    browser.screenshot("roles-viewer-create");
  }

  @Test
  @Order(2)
  void theServerRefusesAViewersChangeEvenFromTheConsolesOwnPage() {
    Object status =
        ((JavascriptExecutor) browser.driver())
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "fetch('/api/instances/"
                    + NAME
                    + "/stop', {method: 'POST', credentials: 'same-origin',"
                    + " headers: {'X-Requested-By': 'toygres-ui'}})"
                    + ".then(r => r.json().then(b => done(r.status + ' ' + b.error)));");
    assertThat(String.valueOf(status))
        .startsWith("403 token 'web-viewer' (viewer) may not change anything");
    assertThat(ActorAsserts.instance(admin, NAME).get("state").asText()).isEqualTo("running");
  }

  @Test
  @Order(3)
  void anOperatorsSessionOffersEveryControlTheStateAllowsAndNoOther() {
    browser.click("#logout");
    browser.visible("#login-token");
    login(operator);
    assertThat(browser.text("#whoami-name")).isEqualTo("web-operator");
    assertThat(browser.text("#whoami-role")).isEqualTo("operator");
    assertThat(browser.isShown("#nav-create")).isTrue();

    openInstancePage();
    assertShown(
        INSTANCE_WRITES.stream().filter(css -> !REFUSED_WHILE_RUNNING.contains(css)).toList());
    assertPresentButHidden(REFUSED_WHILE_RUNNING);
    browser.fullPageScreenshot("roles-operator-instance");
    openDoctor();
    assertShown(DOCTOR_WRITES);
    openActorOrchestration();
    assertShown(ORCHESTRATION_WRITES);
    browser.click("#nav-create");
    browser.visible("#create-form");
  }

  @Test
  @Order(4)
  void noPageLoggedAScriptError() {
    assertThat(browser.scriptErrors()).isEmpty();
  }
}

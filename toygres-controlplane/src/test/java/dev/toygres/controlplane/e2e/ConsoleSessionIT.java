package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web console's session: an API token (here the built-in admin) buys an HttpOnly,
 * SameSite=Strict cookie, and the login says who logged in; the cookie authenticates reads, changes
 * need the console's header and its own origin, and a logged-out cookie is refused even if someone
 * kept a copy.
 */
class ConsoleSessionIT {
  private static TestServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("session", 36432);
    base = "http://127.0.0.1:" + server.server().port();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static HttpResponse<String> send(
      String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String login() throws Exception {
    HttpResponse<String> r =
        send(
            "POST",
            "/ui/login",
            "{\"token\": \"" + TestServer.TOKEN + "\"}",
            "Content-Type",
            "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body())
        .contains("\"status\":\"logged_in\"")
        .contains("\"token_name\":\"admin\"")
        .contains("\"role\":\"admin\"");
    List<String> cookies = r.headers().allValues("Set-Cookie");
    assertThat(cookies).hasSize(1);
    String cookie = cookies.get(0);
    assertThat(cookie)
        .contains("HttpOnly")
        .containsIgnoringCase("SameSite=Strict")
        .contains("Path=/");
    return cookie.substring(0, cookie.indexOf(';'));
  }

  @Test
  void aWrongTokenGetsNoSession() throws Exception {
    HttpResponse<String> r =
        send("POST", "/ui/login", "{\"token\": \"guess\"}", "Content-Type", "application/json");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(
            send("GET", "/api/instances", null, "Cookie", "toygres_session=" + "0".repeat(64))
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  void theCookieReadsButChangesNeedTheConsolesHeaderAndOrigin() throws Exception {
    String cookie = login();
    assertThat(send("GET", "/api/instances", null, "Cookie", cookie).statusCode()).isEqualTo(200);
    HttpResponse<String> who = send("GET", "/ui/session", null, "Cookie", cookie);
    assertThat(who.statusCode()).isEqualTo(200);
    assertThat(who.body()).contains("\"token_name\":\"admin\"").contains("\"role\":\"admin\"");
    String recover = "{\"dry_run\": true}";
    HttpResponse<String> forged =
        send(
            "POST",
            "/api/actors/recover",
            recover,
            "Cookie",
            cookie,
            "Content-Type",
            "application/json");
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
    HttpResponse<String> crossSite =
        send(
            "POST",
            "/api/actors/recover",
            recover,
            "Cookie",
            cookie,
            "Content-Type",
            "application/json",
            "X-Requested-By",
            "toygres-ui",
            "Origin",
            "http://evil.example");
    assertThat(crossSite.statusCode()).as(crossSite.body()).isEqualTo(403);
    HttpResponse<String> fromConsole =
        send(
            "POST",
            "/api/actors/recover",
            recover,
            "Cookie",
            cookie,
            "Content-Type",
            "application/json",
            "X-Requested-By",
            "toygres-ui",
            "Origin",
            base);
    assertThat(fromConsole.statusCode()).as(fromConsole.body()).isEqualTo(200);
  }

  @Test
  void afterLogoutTheSameCookieIsRefused() throws Exception {
    String cookie = login();
    HttpResponse<String> out = send("POST", "/ui/logout", null, "Cookie", cookie);
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.headers().firstValue("Set-Cookie").orElse("")).contains("Max-Age=0");
    assertThat(send("GET", "/api/instances", null, "Cookie", cookie).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/ui/session", null, "Cookie", cookie).statusCode()).isEqualTo(401);
  }

  @Test
  void theConsoleIsServedAtTheRootWithAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> page = send("GET", "/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("<title>Toygres console</title>");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'self'")
        .contains("frame-ancestors 'none'");
    HttpResponse<String> script = send("GET", "/app.js", null);
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type").orElse("")).contains("javascript");
  }

  @Test
  void theConsoleLearnsTheServersIntervalsOnlyWhenLoggedIn() throws Exception {
    assertThat(send("GET", "/ui/config", null).statusCode()).isEqualTo(401);
    HttpResponse<String> r = send("GET", "/ui/config", null, "Cookie", login());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body())
        .contains("\"health_interval_seconds\":1.0")
        .contains("\"stale_after_seconds\":300.0");
  }
}

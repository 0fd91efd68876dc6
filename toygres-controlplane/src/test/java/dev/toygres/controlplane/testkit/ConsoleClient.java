package dev.toygres.controlplane.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.testkit.TestHttpClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

/**
 * The web console's side of the API for tests: log in with a token through {@code /ui/login}, keep
 * the session cookie, and send requests with it as the console does (with its CSRF header).
 */
public final class ConsoleClient {
  private final TestHttpClient http;
  private final String cookie;
  private final JsonNode login;

  private ConsoleClient(String base, String cookie, JsonNode login) {
    this.http = new TestHttpClient(base, null);
    this.cookie = cookie;
    this.login = login;
  }

  /** Logs in with {@code token}; fails unless the server answers 200 with a session cookie. */
  public static ConsoleClient login(String base, String token) {
    TestHttpClient.Response resp =
        new TestHttpClient(base, null).post("/ui/login", Map.of("token", token));
    List<String> set = resp.headers().allValues("Set-Cookie");
    if (resp.status() != 200 || set.size() != 1) {
      throw new AssertionError("login failed: " + resp.status() + " " + resp.raw());
    }
    String c = set.get(0);
    return new ConsoleClient(base, c.substring(0, c.indexOf(';')), resp.body());
  }

  /** The login's answer: {@code {status, token_name, role}}. */
  public JsonNode loginAnswer() {
    return login;
  }

  /** The same session against a server at another address (one restarted on another port). */
  public ConsoleClient withBase(String otherBase) {
    return new ConsoleClient(otherBase, cookie, login);
  }

  /** The cookie, as a {@code Cookie} header value. */
  public String cookie() {
    return cookie;
  }

  public TestHttpClient.Response get(String path) {
    return send("GET", path, null);
  }

  /** A request with the session cookie (and, for changes, the console's header). */
  public TestHttpClient.Response send(String method, String path, String jsonBody) {
    HttpRequest.Builder b =
        http.request(path)
            .header("Cookie", cookie)
            .method(
                method,
                jsonBody == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (!method.equals("GET") && !method.equals("HEAD")) {
      b.header("X-Requested-By", "toygres-ui");
    }
    if (jsonBody != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b);
  }
}

package dev.toygres.controlplane.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toygres.testkit.TestHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The web console's side of the API for tests: log in with a token through {@code /ui/login}, keep
 * the session cookie, and send requests with it as the console does (with its CSRF header).
 */
public final class ConsoleClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String cookie;
  private final JsonNode login;

  private ConsoleClient(String base, String cookie, JsonNode login) {
    this.base = base;
    this.cookie = cookie;
    this.login = login;
  }

  /** Logs in with {@code token}; fails unless the server answers 200 with a session cookie. */
  public static ConsoleClient login(String base, String token) {
    HttpResponse<String> resp =
        exchange(
            HttpRequest.newBuilder(URI.create(base + "/ui/login"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(token)))
                .build());
    List<String> set = resp.headers().allValues("Set-Cookie");
    if (resp.statusCode() != 200 || set.size() != 1) {
      throw new AssertionError("login failed: " + resp.statusCode() + " " + resp.body());
    }
    String c = set.get(0);
    return new ConsoleClient(base, c.substring(0, c.indexOf(';')), response(resp).body());
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
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
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
    return response(exchange(b.build()));
  }

  private static String body(String token) {
    try {
      return JSON.writeValueAsString(Map.of("token", token));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> exchange(HttpRequest r) {
    try {
      return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("request to " + r.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static TestHttpClient.Response response(HttpResponse<String> resp) {
    JsonNode node;
    try {
      node = resp.body().isBlank() ? null : JSON.readTree(resp.body());
    } catch (IOException notJson) {
      node = null;
    }
    return new TestHttpClient.Response(resp.statusCode(), resp.body(), resp.headers());
  }
}

package dev.toygres.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Real JSON-over-HTTP requests to a real server, with or without a bearer token: the one HTTP
 * client of the tests. Every request has a 30 s timeout; an I/O failure is an {@link
 * IllegalStateException} naming the URL.
 */
public final class TestHttpClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  /**
   * A client of the server at {@code baseUrl}.
   *
   * @param baseUrl such as {@code http://127.0.0.1:8080}, without a trailing slash
   * @param token the bearer token sent with every request, or null for none
   */
  public TestHttpClient(String baseUrl, String token) {
    this.base = baseUrl;
    this.token = token;
  }

  /**
   * A client of the server listening on {@code 127.0.0.1:port}.
   *
   * @param port the server's port
   * @param token the bearer token, or null for none
   * @return the client
   */
  public static TestHttpClient local(int port, String token) {
    return new TestHttpClient("http://127.0.0.1:" + port, token);
  }

  /**
   * The same server with another token.
   *
   * @param other the token, or null for none
   * @return a new client
   */
  public TestHttpClient withToken(String other) {
    return new TestHttpClient(base, other);
  }

  /**
   * The server's base URL.
   *
   * @return the URL given at construction
   */
  public String baseUrl() {
    return base;
  }

  /**
   * A response: its status, its body as text and its headers.
   *
   * @param status the HTTP status
   * @param raw the body as received (empty when none)
   * @param headers the response headers
   */
  public record Response(int status, String raw, HttpHeaders headers) {
    /**
     * The body parsed as JSON.
     *
     * @return the JSON, or null when the body is empty or not JSON
     */
    public JsonNode body() {
      if (raw == null || raw.isBlank()) {
        return null;
      }
      try {
        return JSON.readTree(raw);
      } catch (IOException notJson) {
        return null;
      }
    }

    /**
     * The body parsed as JSON, for a test that requires JSON.
     *
     * @return the JSON
     * @throws AssertionError if the body is not JSON
     */
    public JsonNode json() {
      try {
        return JSON.readTree(raw);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + raw, e);
      }
    }

    /**
     * The {@code error} string of an error body ({@code {"error": ...}}).
     *
     * @return the string, or null when there is none
     */
    public String error() {
      JsonNode b = body();
      return b == null || b.get("error") == null || !b.get("error").isTextual()
          ? null
          : b.get("error").asText();
    }

    /**
     * A response header's first value.
     *
     * @param name the header's name (any case)
     * @return its first value, if present
     */
    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }
  }

  /**
   * GET.
   *
   * @param path such as {@code /api/instances}
   * @return the response
   */
  public Response get(String path) {
    return send(request(path).GET());
  }

  /**
   * DELETE.
   *
   * @param path the path
   * @return the response
   */
  public Response delete(String path) {
    return send(request(path).DELETE());
  }

  /**
   * POST without a body.
   *
   * @param path the path
   * @return the response
   */
  public Response post(String path) {
    return send(request(path).POST(BodyPublishers.noBody()));
  }

  /**
   * POST with a JSON body.
   *
   * @param path the path
   * @param body a String sent as it is, any other object written as JSON, or null for no body
   * @return the response
   */
  public Response post(String path, Object body) {
    return send("POST", path, body);
  }

  /**
   * POST of a body sent exactly as given, as {@code application/json} (for malformed JSON).
   *
   * @param path the path
   * @param raw the body
   * @return the response
   */
  public Response postRaw(String path, String raw) {
    return send(json(request(path)).POST(BodyPublishers.ofString(raw)));
  }

  /**
   * Any method without a body.
   *
   * @param method such as {@code PUT}
   * @param path the path
   * @return the response
   */
  public Response method(String method, String path) {
    return send(request(path).method(method, BodyPublishers.noBody()));
  }

  /**
   * Any method with a JSON content type and an optional body.
   *
   * @param method such as {@code POST}
   * @param path the path
   * @param body a String sent as it is, any other object written as JSON, or null for no body
   * @return the response
   */
  public Response send(String method, String path, Object body) {
    String text;
    try {
      text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return send(
        json(request(path))
            .method(
                method, text == null ? BodyPublishers.noBody() : BodyPublishers.ofString(text)));
  }

  /**
   * A request without the bearer token, whatever this client's.
   *
   * @param method the method
   * @param path the path
   * @return the response
   */
  public Response anonymous(String method, String path) {
    return withToken(null).method(method, path);
  }

  /**
   * A request builder for {@code path} with the timeout and the bearer token, for a test that sets
   * its own headers; send it with {@link #send(HttpRequest.Builder)}.
   *
   * @param path the path
   * @return the builder
   */
  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  /**
   * Sends a request built by the test.
   *
   * @param request the request
   * @return the response
   */
  public Response send(HttpRequest.Builder request) {
    HttpRequest r = request.build();
    try {
      HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
      return new Response(resp.statusCode(), resp.body(), resp.headers());
    } catch (IOException e) {
      throw new IllegalStateException("request to " + r.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + r.uri(), e);
    }
  }

  private static HttpRequest.Builder json(HttpRequest.Builder b) {
    return b.header("Content-Type", "application/json");
  }
}

package dev.toygres.controlplane.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON-over-HTTP client for tests: real requests to a real server. */
public final class Api {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  /** A response: status and parsed body (null when empty or not JSON). */
  public record Response(int status, JsonNode body, String raw) {
    public String error() {
      return body == null || body.get("error") == null ? null : body.get("error").asText();
    }
  }

  public Api(String base, String token) {
    this.base = base;
    this.token = token;
  }

  public Response get(String path) {
    return send("GET", path, null);
  }

  public Response post(String path, Object body) {
    return send("POST", path, body);
  }

  public Response delete(String path) {
    return send("DELETE", path, null);
  }

  /** Sends a raw body (for malformed-JSON tests). */
  public Response postRaw(String path, String raw) {
    return exchange(request(path).POST(HttpRequest.BodyPublishers.ofString(raw)).build());
  }

  public Response send(String method, String path, Object body) {
    String text;
    try {
      text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    HttpRequest.BodyPublisher pub =
        text == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(text);
    return exchange(request(path).method(method, pub).build());
  }

  /** A request without the bearer token. */
  public Response anonymous(String method, String path) {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return exchange(r);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json");
  }

  private Response exchange(HttpRequest r) {
    try {
      HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
      JsonNode node = null;
      try {
        node = resp.body().isBlank() ? null : JSON.readTree(resp.body());
      } catch (IOException notJson) {
        node = null;
      }
      return new Response(resp.statusCode(), node, resp.body());
    } catch (IOException e) {
      throw new IllegalStateException("request to " + r.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

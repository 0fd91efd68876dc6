package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CLI's view of the HTTP API: JSON requests with the admin token, errors turned into {@link
 * CliException}s that carry the server's message, or say plainly that the server is unreachable.
 */
final class ApiClient {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** A successful answer: its status and the body as the server sent it. */
  record Response(int status, String body) {
    JsonNode json() {
      if (body == null || body.isBlank()) {
        return NullNode.getInstance();
      }
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw CliException.local(
            "the server answered with something that is not JSON: " + cut(body));
      }
    }
  }

  private final HttpClient http;
  private final URI base;
  private final String token;
  private final Duration requestTimeout;

  ApiClient(URI base, String token) {
    this(base, token, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
  }

  ApiClient(URI base, String token, Duration connectTimeout, Duration requestTimeout) {
    this.base = base;
    this.token = token;
    this.requestTimeout = requestTimeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  URI base() {
    return base;
  }

  Response get(String path) {
    return send("GET", path, null);
  }

  Response post(String path, Object body) {
    return send("POST", path, body);
  }

  Response delete(String path) {
    return send("DELETE", path, null);
  }

  /** Sends one request; throws {@link CliException} unless the answer is 2xx. */
  Response send(String method, String path, Object body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(requestTimeout)
            .header("Accept", "application/json")
            .header("Authorization", "Bearer " + token);
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(write(body), StandardCharsets.UTF_8));
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("no connection within " + CONNECT_TIMEOUT.toSeconds() + "s", e);
    } catch (HttpTimeoutException e) {
      throw CliException.local(
          "the Toygres server at "
              + base
              + " did not answer "
              + method
              + " "
              + path
              + " within "
              + requestTimeout.toSeconds()
              + "s",
          e);
    } catch (ConnectException e) {
      throw unreachable(e.getMessage() == null ? "connection refused" : e.getMessage(), e);
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.local("interrupted", e);
    }
    if (r.statusCode() / 100 != 2) {
      throw error(r.statusCode(), r.body());
    }
    return new Response(r.statusCode(), r.body());
  }

  private CliException unreachable(String why, Exception e) {
    return CliException.local(
        "cannot reach the Toygres server at "
            + base
            + ": "
            + why
            + " - is it running? (./toygres server)",
        e);
  }

  static CliException error(int status, String body) {
    String message = null;
    try {
      JsonNode n = MAPPER.readTree(body == null ? "" : body);
      if (n != null && n.path("error").isTextual()) {
        message = n.path("error").asText();
      }
    } catch (IOException e) {
      message = null;
    }
    if (message == null) {
      message =
          "the server answered HTTP "
              + status
              + (body == null || body.isBlank() ? "" : ": " + cut(body));
    }
    if (status == 401) {
      message += " (check --token, TOYGRES_TOKEN or <data dir>/admin-token)";
    }
    return CliException.answered(message);
  }

  private static String write(Object body) {
    try {
      return MAPPER.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write request body", e);
    }
  }

  private static String cut(String s) {
    String t = s.strip();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  /** One path segment, percent-encoded. */
  static String segment(String s) {
    return PercentEncoding.encode(s);
  }

  /** {@code ?a=1&b=2} from the non-null values, or "" if there are none. */
  static String query(Map<String, ?> params) {
    StringBuilder q = new StringBuilder();
    for (Map.Entry<String, ?> e : params.entrySet()) {
      if (e.getValue() != null) {
        q.append(q.length() == 0 ? '?' : '&')
            .append(e.getKey())
            .append('=')
            .append(PercentEncoding.encode(String.valueOf(e.getValue())));
      }
    }
    return q.toString();
  }

  static Map<String, Object> params(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}

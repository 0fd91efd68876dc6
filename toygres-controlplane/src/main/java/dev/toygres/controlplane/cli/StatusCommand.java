package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;

/**
 * {@code toygres status}: the server's own health ({@code GET /health/ready}, public) for a person:
 * an overall line, then each component with its state and last progress; then, when an API token is
 * at hand and the database answers, the control plane's singletons ({@code GET
 * /api/actors/singletons}). Exit code 0 when the server is ready, {@value #NOT_READY} when it
 * answered that it is not (starting, stopping, its database unreachable, its worker not live), 1
 * when it could not be reached.
 */
@Command(
    name = "status",
    description = {
      "Shows whether the server is ready: its metadata database, each worker loop, and the",
      "supervisor and pruner. Exit code 0 when ready, "
          + StatusCommand.NOT_READY
          + " when the server is not ready, 1 when it cannot be reached."
    })
final class StatusCommand extends ClientCommand {
  /** The exit code when the server answered that it is not ready. */
  static final int NOT_READY = 3;

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Override
  public Integer call() {
    URI base = ClientOptions.baseUri(client.server);
    ApiClient.Response health = fetchHealth(base);
    boolean ready = health.status() == 200;
    if (json()) {
      printJson(health);
      return ready ? 0 : NOT_READY;
    }
    JsonNode report = health.json();
    StringBuilder text = new StringBuilder(render(report, Instant.now()));
    text.append(singletons());
    print(text.toString());
    return ready ? 0 : NOT_READY;
  }

  private ApiClient.Response fetchHealth(URI base) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(ApiClient.CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/health/ready"))
            .timeout(TIMEOUT)
            .header("Accept", "application/json")
            .GET()
            .build();
    try {
      HttpResponse<String> r =
          http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() != 200 && r.statusCode() != 503) {
        throw ApiClient.error(r.statusCode(), r.body());
      }
      return new ApiClient.Response(r.statusCode(), r.body());
    } catch (IOException e) {
      throw CliException.local(
          "cannot reach the Toygres server at "
              + base
              + ": "
              + (e.getMessage() == null ? e.toString() : e.getMessage())
              + " - is it running? (./toygres server)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.local("interrupted", e);
    }
  }

  /** The singletons' table, or one line saying why it is not shown. */
  private String singletons() {
    JsonNode items;
    try {
      items = api().get("/api/actors/singletons").json();
    } catch (CliException e) {
      return "\nsingletons: not shown (" + e.getMessage() + ")\n";
    }
    Table t =
        new Table("SINGLETON", "ORCHESTRATION", "STATUS", "LAST PROGRESS", "HEALTHY", "REASON");
    Instant now = Instant.now();
    for (JsonNode s : items) {
      t.row(
          JsonText.text(s, "name"),
          JsonText.text(s, "orchestration_id"),
          JsonText.text(s, "status"),
          Times.ago(JsonText.text(s, "last_progress"), now),
          s.path("healthy").asBoolean() ? "yes" : "NO",
          JsonText.text(s, "reason"));
    }
    return "\n" + t.render();
  }

  /** The overall line and the components' table. */
  static String render(JsonNode report, Instant now) {
    String status = JsonText.text(report, "status");
    StringBuilder b = new StringBuilder();
    b.append("server: ")
        .append(status == null ? "unknown" : status)
        .append(" (ready: ")
        .append(report.path("ready").asBoolean() ? "yes" : "no")
        .append(", live: ")
        .append(report.path("live").asBoolean() ? "yes" : "no")
        .append(")\n");
    Table t = new Table("COMPONENT", "STATE", "HEALTHY", "LAST PROGRESS", "DETAIL");
    for (JsonNode c : report.path("components")) {
      t.row(
          JsonText.text(c, "name"),
          JsonText.text(c, "state"),
          c.path("healthy").asBoolean() ? "yes" : "NO",
          Times.ago(JsonText.text(c, "last_progress"), now),
          JsonText.text(c, "detail"));
    }
    return b.append(t.render()).toString();
  }
}

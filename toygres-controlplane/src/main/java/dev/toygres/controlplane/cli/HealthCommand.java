package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code toygres health NAME}: the instance's latest health checks, newest first. */
@Command(name = "health", description = "Shows an instance's health checks, newest first.")
final class HealthCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The instance.")
  String name;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = "At most N checks (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    ApiClient.Response r =
        api()
            .get(
                instancePath(name)
                    + "/health-checks"
                    + ApiClient.query(ApiClient.params("limit", limit)));
    if (json()) {
      return printJson(r);
    }
    JsonNode items = r.json();
    return print(items.isEmpty() ? "no health checks yet\n" : render(items, Instant.now()));
  }

  static String render(JsonNode items, Instant now) {
    Table t = new Table("CHECKED", "STATUS", "RESPONSE", "VERSION", "ACTOR", "ERROR");
    for (JsonNode h : items) {
      JsonNode ms = h.get("response_time_ms");
      t.row(
          Times.ago(JsonText.text(h, "checked_at"), now),
          JsonText.text(h, "status"),
          ms == null || ms.isNull() ? null : String.format(Locale.ROOT, "%.1fms", ms.asDouble()),
          shortVersion(JsonText.text(h, "postgres_version")),
          JsonText.text(h, "actor_id"),
          JsonText.text(h, "error_message"));
    }
    return t.render();
  }

  /** {@code PostgreSQL 18.1 on x86_64-pc-linux-gnu, ...} as {@code 18.1}. */
  static String shortVersion(String v) {
    if (v == null) {
      return null;
    }
    String[] words = v.trim().split("\\s+");
    return words.length >= 2 && words[0].equalsIgnoreCase("PostgreSQL") ? words[1] : v;
  }
}

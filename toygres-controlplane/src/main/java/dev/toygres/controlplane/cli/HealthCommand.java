package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * The checks as a table; with a {@code MEMBERS} column (before {@code ERROR}) when any check saw
   * the servers of an instance with standbys.
   */
  static String render(JsonNode items, Instant now) {
    boolean withMembers = false;
    for (JsonNode h : items) {
      withMembers |= h.path("members").isArray();
    }
    Table t =
        withMembers
            ? new Table("CHECKED", "STATUS", "RESPONSE", "VERSION", "ACTOR", "MEMBERS", "ERROR")
            : new Table("CHECKED", "STATUS", "RESPONSE", "VERSION", "ACTOR", "ERROR");
    for (JsonNode h : items) {
      JsonNode ms = h.get("response_time_ms");
      List<String> row = new ArrayList<>();
      row.add(Times.ago(JsonText.text(h, "checked_at"), now));
      row.add(JsonText.text(h, "status"));
      row.add(
          ms == null || ms.isNull() ? null : String.format(Locale.ROOT, "%.1fms", ms.asDouble()));
      row.add(shortVersion(JsonText.text(h, "postgres_version")));
      row.add(JsonText.text(h, "actor_id"));
      if (withMembers) {
        row.add(members(h.path("members")));
      }
      row.add(JsonText.text(h, "error_message"));
      t.row(row.toArray(String[]::new));
    }
    return t.render();
  }

  /**
   * What a check saw of each server, compactly: {@code primary ok, standby 1 ok lag 0 B tl 2}
   * ({@code ok} for healthy, else the member's health), or null when it did not look.
   */
  static String members(JsonNode members) {
    if (!members.isArray()) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (JsonNode m : members) {
      boolean standby = "standby".equals(JsonText.text(m, "role"));
      String health = JsonText.text(m, "health");
      StringBuilder b =
          new StringBuilder(standby ? "standby " + m.path("ordinal").asInt() : "primary");
      b.append(' ').append("healthy".equals(health) ? "ok" : health);
      if (standby && m.path("lag_bytes").isNumber()) {
        b.append(" lag ").append(m.get("lag_bytes").asLong()).append(" B");
      }
      if (standby && m.path("timeline").isNumber()) {
        b.append(" tl ").append(m.get("timeline").asInt());
      }
      parts.add(b.toString());
    }
    return String.join(", ", parts);
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

package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import picocli.CommandLine.Command;

/** {@code toygres list}: every live instance, one line each. */
@Command(name = "list", description = "Lists the live instances.")
final class ListCommand extends ClientCommand {
  @Override
  public Integer call() {
    ApiClient.Response r = api().get("/api/instances");
    if (json()) {
      return printJson(r);
    }
    JsonNode items = r.json();
    if (items.isEmpty()) {
      return print("no instances (create one with: toygres create NAME --wait)\n");
    }
    return print(render(items, Instant.now()));
  }

  static String render(JsonNode items, Instant now) {
    Table t = new Table("NAME", "STATE", "HEALTH", "LAST CHECK", "VERSION", "PORT", "ACTOR");
    for (JsonNode i : items) {
      t.row(
          JsonText.text(i, "name"),
          JsonText.text(i, "state"),
          JsonText.text(i, "health_status"),
          Times.ago(JsonText.text(i, "last_health_check"), now),
          JsonText.text(i, "postgres_version"),
          JsonText.text(i, "port"),
          actor(i));
    }
    return t.render();
  }

  private static String actor(JsonNode i) {
    if (i.has("monitoring_enabled") && !i.path("monitoring_enabled").asBoolean(true)) {
      return "off";
    }
    return JsonText.text(i, "instance_actor_orchestration_id");
  }
}

package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import picocli.CommandLine.Mixin;

/**
 * A page of the engine's orchestrations: {@code toygres orchestrations list}, and {@code toygres
 * orchestrations} without a subcommand.
 */
abstract class OrchestrationPage extends ClientCommand {
  @Mixin OrchestrationFilter filter;

  @Override
  public Integer call() {
    ApiClient.Response r = api().get("/api/orchestrations" + filter.query());
    if (json()) {
      return printJson(r);
    }
    return print(render(r.json(), Instant.now()));
  }

  static String render(JsonNode page, Instant now) {
    JsonNode items = page.path("items");
    StringBuilder b = new StringBuilder();
    if (items.isEmpty()) {
      b.append("no orchestrations\n");
    } else {
      Table t = new Table("ID", "NAME", "STATUS", "EXECUTION", "CREATED", "UPDATED");
      for (JsonNode o : items) {
        t.row(
            JsonText.text(o, "instance_id"),
            JsonText.text(o, "name"),
            JsonText.text(o, "status"),
            JsonText.text(o, "execution_id"),
            Times.ago(JsonText.text(o, "created_at"), now),
            Times.ago(JsonText.text(o, "updated_at"), now));
      }
      b.append(t.render());
    }
    String next = JsonText.text(page, "next_cursor");
    if (next != null) {
      b.append("more: toygres orchestrations list --cursor ").append(next).append('\n');
    }
    return b.toString();
  }
}

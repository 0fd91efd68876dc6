package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code toygres events NAME}: what happened to the instance, newest first. */
@Command(name = "events", description = "Shows an instance's events, newest first.")
final class EventsCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The instance.")
  String name;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = "At most N events (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    ApiClient.Response r =
        api()
            .get(
                instancePath(name) + "/events" + ApiClient.query(ApiClient.params("limit", limit)));
    if (json()) {
      return printJson(r);
    }
    JsonNode items = r.json();
    return print(items.isEmpty() ? "no events\n" : render(items, Instant.now()));
  }

  static String render(JsonNode items, Instant now) {
    Table t = new Table("WHEN", "TYPE", "STATE", "MESSAGE");
    for (JsonNode e : items) {
      String from = JsonText.text(e, "old_state");
      String to = JsonText.text(e, "new_state");
      String state =
          from == null
              ? (to == null ? null : "-> " + to)
              : from.equals(to) ? to : from + " -> " + to;
      t.row(
          Times.ago(JsonText.text(e, "created_at"), now),
          JsonText.text(e, "event_type"),
          state,
          JsonText.text(e, "message"));
    }
    return t.render();
  }
}

package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toygres audit}: who did what, newest first, a page at a time. */
@Command(
    name = "audit",
    description =
        "The audit log, newest first: every request that changed (or tried to change)"
            + " something, and every actor repair, with who made it and the result.")
final class AuditCommand extends ClientCommand {
  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "At most N rows (1 to 1000; default 50).")
  Integer limit;

  @Option(names = "--cursor", paramLabel = "C", description = "The page after this cursor.")
  String cursor;

  @Override
  public Integer call() {
    ApiClient.Response r =
        api()
            .get(
                "/api/audit" + ApiClient.query(ApiClient.params("limit", limit, "cursor", cursor)));
    if (json()) {
      return printJson(r);
    }
    return print(render(r.json()));
  }

  static String render(JsonNode page) {
    JsonNode items = page.path("items");
    StringBuilder b = new StringBuilder();
    if (items.isEmpty()) {
      b.append("no audit rows\n");
    } else {
      Table t = new Table("ID", "AT", "WHO", "ACTION", "TARGET", "RESULT", "STATUS", "DETAIL");
      for (JsonNode row : items) {
        Instant at = Times.parse(JsonText.text(row, "at"));
        t.row(
            JsonText.text(row, "id"),
            at == null ? JsonText.text(row, "at") : at.truncatedTo(ChronoUnit.SECONDS),
            JsonText.text(row, "actor"),
            JsonText.text(row, "action"),
            JsonText.text(row, "target"),
            JsonText.text(row, "result"),
            JsonText.text(row, "status"),
            JsonText.display(row.get("detail"), 100));
      }
      b.append(t.render());
    }
    String next = JsonText.text(page, "next_cursor");
    if (next != null) {
      b.append("more: toygres audit --cursor ").append(next).append('\n');
    }
    return b.toString();
  }
}

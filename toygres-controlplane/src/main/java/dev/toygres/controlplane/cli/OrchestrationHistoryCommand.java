package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code toygres orchestrations history ID [--execution N]}. */
@Command(
    name = "history",
    description = "Shows the history events of one execution (default: the current one).")
final class OrchestrationHistoryCommand extends ClientCommand {
  static final int MAX_DATA = 120;

  @Parameters(index = "0", paramLabel = "ID", description = "The orchestration's instance id.")
  String id;

  @Option(names = "--execution", paramLabel = "N", description = "Execution number, from 1.")
  Integer execution;

  @Override
  public Integer call() {
    ApiClient.Response r =
        api()
            .get(
                "/api/orchestrations/"
                    + ApiClient.segment(id)
                    + "/history"
                    + ApiClient.query(ApiClient.params("execution", execution)));
    return json() ? printJson(r) : print(render(r.json()));
  }

  static String render(JsonNode h) {
    Table t = new Table("SEQ", "RECORDED", "TYPE", "DATA");
    for (JsonNode e : h.path("events")) {
      Instant at = Times.parse(JsonText.text(e, "recorded_at"));
      t.row(
          JsonText.text(e, "sequence"),
          at == null ? JsonText.text(e, "recorded_at") : at.truncatedTo(ChronoUnit.MILLIS),
          JsonText.text(e, "type"),
          JsonText.display(e.get("data"), MAX_DATA));
    }
    return new KeyValues()
            .add("orchestration", JsonText.text(h, "instance_id"))
            .add("execution", JsonText.text(h, "execution_id"))
            .render()
        + t.render();
  }
}

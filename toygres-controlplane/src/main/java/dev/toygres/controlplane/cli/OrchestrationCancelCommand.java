package dev.toygres.controlplane.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code toygres orchestrations cancel ID [--reason R]}. */
@Command(name = "cancel", description = "Asks the engine to cancel an orchestration.")
final class OrchestrationCancelCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The orchestration's instance id.")
  String id;

  @Option(names = "--reason", paramLabel = "R", description = "Why, kept with the orchestration.")
  String reason;

  @Override
  public Integer call() {
    Map<String, Object> body = new LinkedHashMap<>();
    if (reason != null) {
      body.put("reason", reason);
    }
    ApiClient.Response r =
        api().post("/api/orchestrations/" + ApiClient.segment(id) + "/cancel", body);
    if (json()) {
      return printJson(r);
    }
    return print(
        new KeyValues()
            .add("orchestration", id)
            .add("status", JsonText.text(r.json(), "status"))
            .render());
  }
}

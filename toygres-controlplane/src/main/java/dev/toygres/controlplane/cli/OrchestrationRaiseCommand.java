package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code toygres orchestrations raise ID NAME [DATA]}. */
@Command(
    name = "raise",
    description = "Sends an external event to an orchestration; it is kept until awaited.")
final class OrchestrationRaiseCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The orchestration's instance id.")
  String id;

  @Parameters(index = "1", paramLabel = "NAME", description = "The event's name.")
  String event;

  @Parameters(
      index = "2",
      arity = "0..1",
      paramLabel = "DATA",
      description = "JSON (42, true, {\"a\":1}) or plain text, sent as a string.")
  String data;

  @Override
  public Integer call() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("name", event);
    body.set("data", JsonText.parseData(data));
    ApiClient.Response r =
        api().post("/api/orchestrations/" + ApiClient.segment(id) + "/events", body);
    if (json()) {
      return printJson(r);
    }
    return print(
        new KeyValues()
            .add("orchestration", id)
            .add("event", event)
            .add("status", JsonText.text(r.json(), "status"))
            .render());
  }
}

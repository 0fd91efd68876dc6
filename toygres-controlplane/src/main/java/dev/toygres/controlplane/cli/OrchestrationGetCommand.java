package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code toygres orchestrations get ID}. */
@Command(
    name = "get",
    description = "Shows one orchestration: status, custom status, output, error.")
final class OrchestrationGetCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The orchestration's instance id.")
  String id;

  @Override
  public Integer call() {
    ApiClient.Response r = api().get("/api/orchestrations/" + ApiClient.segment(id));
    return json() ? printJson(r) : print(render(r.json(), Instant.now()));
  }

  static String render(JsonNode o, Instant now) {
    KeyValues kv =
        new KeyValues()
            .add("id", JsonText.text(o, "instance_id"))
            .add("name", JsonText.text(o, "name"))
            .add("version", JsonText.text(o, "version"))
            .add("status", JsonText.text(o, "status"))
            .add("execution", JsonText.text(o, "execution_id"))
            .add("custom status", JsonText.display(o.get("custom_status")))
            .add("created", Times.stamp(JsonText.text(o, "created_at"), now))
            .add("updated", Times.stamp(JsonText.text(o, "updated_at"), now))
            .add("completed", Times.stamp(JsonText.text(o, "completed_at"), now))
            .add("output", JsonText.display(o.get("output")));
    JsonNode error = o.get("error");
    if (error != null && error.isObject()) {
      kv.section("error")
          .add("type", JsonText.text(error, "error_type"))
          .add("message", JsonText.text(error, "message"))
          .end();
    } else {
      kv.add("error", JsonText.display(error));
    }
    if (o.hasNonNull("parent_instance_id")) {
      kv.add("parent", JsonText.text(o, "parent_instance_id"));
    }
    return kv.render();
  }
}

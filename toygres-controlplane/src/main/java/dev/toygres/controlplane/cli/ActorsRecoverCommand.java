package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toygres actors recover}: repairs what the doctor found. */
@Command(
    name = "recover",
    header = "Repairs broken actors (default: every diagnosis but cancelled).",
    description = {
      "Repairs broken actors: a fresh actor for stale, zombie, missing and dead ones (and cancelled",
      "ones if asked for), and orphaned actors ended. Default: every diagnosis but cancelled."
    })
final class ActorsRecoverCommand extends ClientCommand {
  @Option(names = "--diagnosis", description = "Only these diagnoses, e.g. stale,missing.")
  String diagnosis;

  @Option(names = "--dry-run", description = "Only show what would be done.")
  boolean dryRun;

  @Override
  public Integer call() {
    Map<String, Object> body = new LinkedHashMap<>();
    if (diagnosis != null) {
      List<String> wanted =
          Arrays.stream(diagnosis.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
      body.put("diagnoses", wanted);
    }
    body.put("dry_run", dryRun);
    ApiClient.Response r = api().post("/api/actors/recover", body);
    if (json()) {
      return printJson(r);
    }
    return print(render(r.json()));
  }

  static String render(JsonNode response) {
    JsonNode results = response.path("results");
    boolean dry = response.path("dry_run").asBoolean(false);
    if (results.isEmpty()) {
      return "nothing to recover\n";
    }
    Table t =
        new Table(
            "INSTANCE",
            "DIAGNOSIS",
            dry ? "WOULD" : "ACTION",
            "NEW ACTOR",
            "PREVIOUS ACTOR",
            "DETAIL");
    for (JsonNode r : results) {
      t.row(
          JsonText.text(r, "instance_name"),
          JsonText.text(r, "diagnosis"),
          JsonText.text(r, "action"),
          JsonText.text(r, "actor_id"),
          JsonText.text(r, "previous_actor_id"),
          JsonText.text(r, "detail"));
    }
    return t.render()
        + results.size()
        + (dry ? " actions planned (dry run: nothing changed)\n" : " actions taken\n");
  }
}

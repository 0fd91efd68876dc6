package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toygres actors}: the doctor's table, with a summary line of counts per diagnosis. */
@Command(
    name = "actors",
    header = "The actor doctor: every actor diagnosed; 'actors recover' repairs them.",
    description = {
      "The actor doctor: every instance's actor diagnosed as healthy, stale, zombie, missing, dead or",
      "cancelled (with the reason), plus orphaned actors. 'actors recover' repairs them."
    },
    subcommands = ActorsRecoverCommand.class)
final class ActorsCommand extends ClientCommand {
  @Option(names = "--diagnosis", description = "Only these diagnoses, e.g. stale,missing.")
  String diagnosis;

  @Override
  public Integer call() {
    String path =
        "/api/actors"
            + (diagnosis == null ? "" : "?diagnosis=" + PercentEncoding.encode(diagnosis));
    ApiClient.Response r = api().get(path);
    if (json()) {
      return printJson(r);
    }
    return print(render(r.json(), Instant.now()));
  }

  static String render(JsonNode findings, Instant now) {
    Map<String, Integer> counts = new TreeMap<>();
    Table t =
        new Table("INSTANCE", "STATE", "ACTOR", "ENGINE", "LAST CHECK", "DIAGNOSIS", "REASON");
    for (JsonNode f : findings) {
      String d = JsonText.text(f, "diagnosis");
      counts.merge(d, 1, Integer::sum);
      t.row(
          JsonText.text(f, "instance_name"),
          JsonText.text(f, "state"),
          JsonText.text(f, "actor_id"),
          JsonText.text(f, "actor_status"),
          Times.ago(JsonText.text(f, "last_health_check"), now),
          d,
          JsonText.text(f, "reason"));
    }
    StringBuilder summary = new StringBuilder();
    counts.forEach(
        (d, n) ->
            summary.append(summary.length() == 0 ? "" : ", ").append(n).append(' ').append(d));
    String table = findings.isEmpty() ? "no actors to diagnose\n" : t.render();
    return table
        + findings.size()
        + " actor"
        + (findings.size() == 1 ? "" : "s")
        + (summary.length() == 0 ? "" : ": " + summary)
        + "\n";
  }
}

package dev.toygres.controlplane.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code toygres switchover NAME [--to MEMBER] [--wait]}: a planned role change, a standby made the
 * primary with no acknowledged write lost.
 */
@Command(
    name = "switchover",
    description = {
      "Makes a standby the primary of an instance, cleanly: the primary stops after its last WAL",
      "reached the standbys, the chosen standby is promoted, and the old primary follows it.",
      "No acknowledged write is lost. Needs a running instance with at least one standby."
    })
final class SwitchoverCommand extends LifecycleCommand {
  @Option(
      names = "--to",
      paramLabel = "MEMBER",
      description = {
        "The standby to promote: its name as `toygres get` shows it, or its number (1 for the",
        "first standby). Default: the most advanced standby (a synchronous one first)."
      })
  String to;

  @Override
  ApiClient.Response request() {
    if (to != null && to.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "--to needs a member: a standby's name or its number");
    }
    return api().post(instancePath(name) + "/switchover", body(to));
  }

  /**
   * The request's body: none without {@code --to}, else {@code {"to": MEMBER}}, MEMBER as a string
   * even when it is a number (the API reads names and ordinals from one string field).
   */
  static Map<String, String> body(String to) {
    return to == null ? null : Map.of("to", to.strip());
  }

  @Override
  String doing() {
    return "switching over";
  }

  @Override
  String done() {
    return "switched over";
  }
}

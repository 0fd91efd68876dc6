package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code toygres actor start|restart|cancel NAME}: the instance actor operations of docs/actor.md.
 */
@Command(
    name = "actor",
    mixinStandardHelpOptions = true,
    description = "Starts, restarts or cancels the actor that watches an instance.",
    subcommands = {ActorCommand.Start.class, ActorCommand.Restart.class, ActorCommand.Cancel.class})
final class ActorCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing required subcommand: start, restart or cancel");
  }

  abstract static class Action extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The instance.")
    String name;

    @Override
    public Integer call() {
      ApiClient.Response r = api().post(instancePath(name) + "/actor/" + spec.name(), null);
      if (json()) {
        return printJson(r);
      }
      JsonNode a = r.json();
      KeyValues kv =
          new KeyValues()
              .add("instance", JsonText.text(a, "instance_name"))
              .add("actor", JsonText.text(a, "actor_id"));
      if (a.hasNonNull("previous_actor_id")) {
        kv.add("previous actor", JsonText.text(a, "previous_actor_id"));
      }
      return print(kv.add("status", JsonText.text(a, "status")).render());
    }
  }

  @Command(name = "start", description = "Starts a new actor if none runs (monitoring on).")
  static final class Start extends Action {}

  @Command(
      name = "restart",
      description = "Cancels the running actor, if any, and starts a new one (monitoring on).")
  static final class Restart extends Action {}

  @Command(
      name = "cancel",
      description = "Cancels the running actor and turns monitoring off for the instance.")
  static final class Cancel extends Action {}
}

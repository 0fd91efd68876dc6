package dev.toygres.controlplane.cli;

import picocli.CommandLine.Command;

/** {@code toygres delete NAME [--wait]}. */
@Command(
    name = "delete",
    description = {
      "Deletes an instance: stops its actor, removes its server and data, frees the name.",
      "With --wait --json, prints the finished orchestration."
    })
final class DeleteCommand extends LifecycleCommand {
  @Override
  ApiClient.Response request() {
    return api().delete(instancePath(name));
  }

  @Override
  String doing() {
    return "deleting";
  }

  @Override
  String done() {
    return "deleted";
  }

  @Override
  int after(OrchestrationWaiter.Outcome o) {
    if (json()) {
      return printJson(o.response());
    }
    return print(new KeyValues().add(done(), name + " in " + Times.elapsed(o.elapsed())).render());
  }
}

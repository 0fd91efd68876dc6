package dev.toygres.controlplane.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toygres delete NAME [--wait]}. */
@Command(
    name = "delete",
    description = {
      "Deletes an instance: stops its actor, removes its server and data, frees the name.",
      "Its backups and WAL archive are kept until its retention removes them (restore",
      "with create --from NAME), unless --delete-backups.",
      "With --wait --json, prints the finished orchestration."
    })
final class DeleteCommand extends LifecycleCommand {
  @Option(
      names = "--delete-backups",
      description =
          "Remove the instance's backups and WAL archive too (default: keep them until its"
              + " retention removes them, so it can still be restored).")
  boolean deleteBackups;

  @Override
  ApiClient.Response request() {
    return api().delete(instancePath(name) + (deleteBackups ? "?backups=delete" : ""));
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

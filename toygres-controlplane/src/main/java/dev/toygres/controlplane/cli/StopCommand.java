package dev.toygres.controlplane.cli;

import picocli.CommandLine.Command;

/** {@code toygres stop NAME [--wait]}. */
@Command(name = "stop", description = "Stops an instance's PostgreSQL server; its data is kept.")
final class StopCommand extends LifecycleCommand {
  @Override
  ApiClient.Response request() {
    return api().post(instancePath(name) + "/stop", null);
  }

  @Override
  String doing() {
    return "stopping";
  }

  @Override
  String done() {
    return "stopped";
  }
}

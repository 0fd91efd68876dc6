package dev.toygres.controlplane.cli;

import picocli.CommandLine.Command;

/** {@code toygres restart NAME [--wait]}. */
@Command(name = "restart", description = "Restarts an instance's PostgreSQL server.")
final class RestartCommand extends LifecycleCommand {
  @Override
  ApiClient.Response request() {
    return api().post(instancePath(name) + "/restart", null);
  }

  @Override
  String doing() {
    return "restarting";
  }

  @Override
  String done() {
    return "restarted";
  }
}

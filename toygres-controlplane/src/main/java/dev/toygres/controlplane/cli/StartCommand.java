package dev.toygres.controlplane.cli;

import picocli.CommandLine.Command;

/** {@code toygres start NAME [--wait]}. */
@Command(name = "start", description = "Starts a stopped instance's PostgreSQL server.")
final class StartCommand extends LifecycleCommand {
  @Override
  ApiClient.Response request() {
    return api().post(instancePath(name) + "/start", null);
  }

  @Override
  String doing() {
    return "starting";
  }

  @Override
  String done() {
    return "started";
  }
}

package dev.toygres.controlplane.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toygres scale NAME --replicas N [--wait]}: makes or removes streaming standbys. */
@Command(
    name = "scale",
    description = {
      "Makes or removes an instance's streaming standbys until it has N.",
      "Removing a standby stops it and drops its data and its replication slot."
    })
final class ScaleCommand extends LifecycleCommand {
  @Option(
      names = "--replicas",
      paramLabel = "N",
      required = true,
      description = "How many standbys the instance should have, 0 to 5.")
  int replicas;

  @Override
  ApiClient.Response request() {
    return api().post(instancePath(name) + "/scale", Map.of("replicas", replicas));
  }

  @Override
  String doing() {
    return "scaling";
  }

  @Override
  String done() {
    return "scaled";
  }
}

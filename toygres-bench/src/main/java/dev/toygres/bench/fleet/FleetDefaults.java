package dev.toygres.bench.fleet;

import dev.toygres.controlplane.config.Durations;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.server.ServerEngine;
import dev.toygres.engine.worker.WorkerOptions;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The fleet benchmark's defaults that are the server's: health interval and probe timeout from
 * {@link ServerConfig#defaults()}, activity slots, dispatchers and pool size from {@link
 * ServerEngine}. Read here, never copied, so the benchmark follows the server when they change.
 */
final class FleetDefaults implements IDefaultValueProvider {
  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return null;
    }
    ServerConfig server = ServerConfig.defaults();
    WorkerOptions worker = ServerEngine.workerOptions(server);
    return switch (option.longestName()) {
      case "--interval" -> Durations.format(server.healthInterval());
      case "--probe-timeout" -> Durations.format(server.probeTimeout());
      case "--activity-slots" -> Integer.toString(worker.maxConcurrentActivities());
      case "--dispatchers" -> Integer.toString(worker.orchestrationDispatchers());
      case "--pool-size" -> Integer.toString(ServerEngine.POOL_SIZE);
      default -> null;
    };
  }
}

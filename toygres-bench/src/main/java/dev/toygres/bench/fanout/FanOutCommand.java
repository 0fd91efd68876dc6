package dev.toygres.bench.fanout;

import dev.toygres.controlplane.config.ConfigurationException;
import dev.toygres.controlplane.config.DatabaseUrls;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code toygres bench}: the durable engine's fan-out benchmark (see {@link FanOutBenchmark}). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the durable engine's fan-out benchmark: N orchestrations started at once, each running",
      "5 activities of 10 ms in parallel and joining them. Prints orchestrations/s, activities/s",
      "and end-to-end latency. Uses an embedded PostgreSQL unless --database-url is given."
    })
public final class FanOutCommand implements Callable<Integer> {
  @Option(
      names = "--orchestrations",
      defaultValue = "2000",
      description = "Orchestrations per run (default ${DEFAULT-VALUE}).")
  int orchestrations;

  @Option(
      names = "--concurrency",
      split = ",",
      defaultValue = "2,8",
      description = "Dispatcher threads per queue, one run each (default ${DEFAULT-VALUE}).")
  List<Integer> concurrency;

  @Option(
      names = "--activity-slots",
      defaultValue = "100",
      description = "Activities running at once (default ${DEFAULT-VALUE}).")
  int activitySlots;

  @Option(
      names = "--fanout",
      defaultValue = "5",
      description = "Activities per orchestration (default ${DEFAULT-VALUE}).")
  int fanout;

  @Option(
      names = "--activity-ms",
      defaultValue = "10",
      description = "Duration of one activity (default ${DEFAULT-VALUE}).")
  int activityMs;

  @Option(
      names = "--database-url",
      description =
          "External PostgreSQL, without a password (it would show in ps): a URL with one goes in"
              + " env DATABASE_URL. Default: env DATABASE_URL, else embedded.")
  String databaseUrl;

  @Option(
      names = "--data-dir",
      defaultValue = "${sys:user.home}/.toygres-bench",
      description = "Data directory of the embedded PostgreSQL (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    if (databaseUrl != null && DatabaseUrls.hasPassword(databaseUrl)) {
      throw new ConfigurationException(
          "--database-url must not carry a password: a command line is visible to every user of"
              + " this machine (ps). Put the URL in the DATABASE_URL environment variable instead");
    }
    String url = databaseUrl != null ? databaseUrl : System.getenv("DATABASE_URL");
    FanOutBenchmark.run(
        new FanOutSettings(
            orchestrations,
            fanout,
            activityMs,
            concurrency,
            activitySlots,
            url == null || url.isBlank() ? null : url,
            dataDir),
        System.out);
    return 0;
  }
}

package dev.toygres.bench;

import dev.toygres.bench.fanout.FanOutCommand;
import dev.toygres.bench.fleet.FleetCommand;
import dev.toygres.controlplane.config.Durations;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmarks' command line, in their own jar ({@code toygres-bench.jar}): {@code toygres bench}
 * and {@code toygres bench-fleet}. The {@code ./toygres} launcher runs this jar for those two
 * commands and the product's jar for every other one.
 */
@Command(
    name = "toygres",
    mixinStandardHelpOptions = true,
    version = "toygres benchmarks 0.1.0",
    description = "Toygres's benchmarks: they print figures and never fail on them.",
    subcommands = {FanOutCommand.class, FleetCommand.class, CommandLine.HelpCommand.class})
public final class BenchCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * A command line reading durations as the product does ({@code 500ms}, {@code 30s}, {@code 2m}),
   * with the product's exit codes: 0 success, 1 a benchmark that failed (one line on stderr, the
   * stack trace too with {@code TOYGRES_DEBUG} set), 2 a usage error.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new BenchCli());
    cli.registerConverter(Duration.class, Durations::parse);
    return cli.setExecutionExceptionHandler(BenchCli::report);
  }

  private static int report(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    cmd.getErr().println(cmd.getColorScheme().errorText("error: " + message));
    if (System.getenv("TOYGRES_DEBUG") != null) {
      e.printStackTrace(cmd.getErr());
    }
    return 1;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}

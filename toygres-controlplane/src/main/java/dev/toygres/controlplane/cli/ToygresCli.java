package dev.toygres.controlplane.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code toygres} command: one root with a subcommand per job. */
@Command(
    name = "toygres",
    mixinStandardHelpOptions = true,
    version = "toygres 0.1.0",
    description = "Toygres: PostgreSQL as a service, every instance watched by a durable actor.",
    subcommands = {
      ServerCommand.class,
      CreateCommand.class,
      ListCommand.class,
      GetCommand.class,
      DeleteCommand.class,
      StopCommand.class,
      StartCommand.class,
      RestartCommand.class,
      HealthCommand.class,
      EventsCommand.class,
      ActorCommand.class,
      ActorsCommand.class,
      OrchestrationsCommand.class,
      TokensCommand.class,
      AuditCommand.class,
      BenchCommand.class,
      BenchFleetCommand.class,
      CommandLine.HelpCommand.class
    })
public final class ToygresCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A command line with Toygres's parsing conventions (durations, case-insensitive enums). */
  public static CommandLine commandLine() {
    return new CommandLine(new ToygresCli())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(ToygresCli::report);
  }

  /** Errors are one line for people, not a stack trace; exit code 1. */
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

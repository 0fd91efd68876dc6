package dev.toygres.controlplane.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code toygres} command: one root with a subcommand per job. */
@Command(
    name = "toygres",
    mixinStandardHelpOptions = true,
    version = "toygres 0.1.0",
    description = "Toygres: PostgreSQL as a service, every instance watched by a durable actor.",
    subcommands = {BenchCommand.class, CommandLine.HelpCommand.class})
public final class ToygresCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A command line with Toygres's parsing conventions (durations, case-insensitive enums). */
  public static CommandLine commandLine() {
    return new CommandLine(new ToygresCli()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}

package dev.toygres.controlplane.cli;

import dev.toygres.controlplane.config.ConfigurationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;

/** The {@code toygres} command: one root with a subcommand per job. */
@Command(
    name = "toygres",
    mixinStandardHelpOptions = true,
    version = "toygres 0.1.0",
    description = "Toygres: PostgreSQL as a service, every instance watched by a durable actor.",
    footer = {
      "",
      "Benchmarks (in their own jar, toygres-bench.jar; ./toygres runs it for these):",
      "  bench        The durable engine's fan-out benchmark.",
      "  bench-fleet  How many instance actors one server process sustains."
    },
    subcommands = {
      ServerCommand.class,
      CreateCommand.class,
      ListCommand.class,
      GetCommand.class,
      DeleteCommand.class,
      StopCommand.class,
      StartCommand.class,
      RestartCommand.class,
      ScaleCommand.class,
      SwitchoverCommand.class,
      BackupCommand.class,
      PasswordCommand.class,
      HealthCommand.class,
      StatusCommand.class,
      EventsCommand.class,
      LogsCommand.class,
      ActorCommand.class,
      ActorsCommand.class,
      OrchestrationsCommand.class,
      TokensCommand.class,
      AuditCommand.class,
      CommandLine.HelpCommand.class
    })
public final class ToygresCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * A command line with Toygres's parsing conventions (durations, case-insensitive enums) and exit
   * codes: 0 success; 1 a command that failed (the server's error, an unreachable server); 2 a
   * client command used wrongly (picocli's usage errors, {@code --password}); 3 {@code toygres
   * status} when the server answered that it is not ready; {@value
   * ConfigurationException#EXIT_CODE} (EX_CONFIG) when {@code toygres server} refuses its
   * configuration, including flags picocli cannot read (their defaults come from the environment).
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ToygresCli()).setCaseInsensitiveEnumValuesAllowed(true);
    IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
    return cli.setExecutionExceptionHandler(ToygresCli::report)
        .setParameterExceptionHandler((e, args) -> usageError(usage, e, args));
  }

  /** Errors are one line for people, not a stack trace; exit code 1, or 78 for configuration. */
  private static int report(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    cmd.getErr().println(cmd.getColorScheme().errorText("error: " + message));
    if (System.getenv("TOYGRES_DEBUG") != null) {
      e.printStackTrace(cmd.getErr());
    }
    return e instanceof ConfigurationException ? ConfigurationException.EXIT_CODE : 1;
  }

  /** The server's flags are its configuration: one line and 78; other commands show usage. */
  private static int usageError(
      IParameterExceptionHandler usage, CommandLine.ParameterException e, String[] args)
      throws Exception {
    CommandLine cmd = e.getCommandLine();
    if (!(cmd.getCommandSpec().userObject() instanceof ServerCommand)) {
      return usage.handleParseException(e, args);
    }
    cmd.getErr()
        .println(
            cmd.getColorScheme()
                .errorText("error: " + e.getMessage() + " (see toygres server --help)"));
    return ConfigurationException.EXIT_CODE;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}

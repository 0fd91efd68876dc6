package dev.toygres.controlplane.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The password options of a command that sends a password ({@code create}, {@code password}): see
 * {@link PasswordInput} for where it is read from. {@code --password P} is still parsed, hidden
 * from help, only to refuse it with the reason and the alternatives (a usage error, exit code 2).
 */
final class PasswordOptions {
  static final String REFUSED =
      "--password is not accepted: a password on the command line is visible to every user of this"
          + " machine (ps) and stays in shell history. Instead use --password-stdin (the first line"
          + " of standard input), the "
          + PasswordInput.ENV
          + " environment variable, or neither, to be asked on the terminal.";

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--password-stdin",
      description =
          "Read the password from the first line of standard input (for scripts). Otherwise it"
              + " comes from env "
              + PasswordInput.ENV
              + ", else a prompt on the terminal.")
  boolean fromStdin;

  @Option(names = "--password", paramLabel = "P", hidden = true)
  void refusePassword(String given) {
    if (given != null) {
      throw new ParameterException(command.commandLine(), REFUSED);
    }
  }

  /** The password, from this process's standard input, environment or terminal. */
  String read(String prompt) {
    return PasswordInput.system().read(fromStdin, prompt);
  }
}

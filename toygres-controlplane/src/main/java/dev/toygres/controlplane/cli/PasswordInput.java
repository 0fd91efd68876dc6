package dev.toygres.controlplane.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads a password for a command, never from its command line (visible to every user in {@code ps}
 * and kept in shell history). In this order: the first line of standard input if the command was
 * given {@code --password-stdin}; else the {@code TOYGRES_PASSWORD} environment variable; else a
 * prompt on the terminal, asked twice. With none of them it fails, naming all three.
 */
final class PasswordInput {
  static final String ENV = "TOYGRES_PASSWORD";
  static final String NONE =
      "no password given: pass --password-stdin and write it on standard input, set "
          + ENV
          + ", or run in a terminal to be asked for it";

  /** A terminal that can read a password without echoing it. */
  interface Terminal {
    /** Prints {@code prompt} and reads a line without echo; null at end of input. */
    char[] readPassword(String prompt);
  }

  private final Supplier<InputStream> stdin;
  private final Function<String, String> env;
  private final Terminal terminal;

  /**
   * @param terminal null when there is no terminal
   */
  PasswordInput(Supplier<InputStream> stdin, Function<String, String> env, Terminal terminal) {
    this.stdin = stdin;
    this.env = env;
    this.terminal = terminal;
  }

  /** This process's standard input, environment and terminal (if it has one). */
  static PasswordInput system() {
    Console console = System.console();
    return new PasswordInput(
        () -> System.in,
        System::getenv,
        console == null ? null : prompt -> console.readPassword("%s", prompt));
  }

  /**
   * The password, from the first source that applies.
   *
   * @param fromStdin whether the command was given {@code --password-stdin}
   * @param prompt what the terminal shows before the first entry, e.g. {@code "Password for mydb:
   *     "}
   * @throws CliException if the chosen source gives no password, or there is no source
   */
  String read(boolean fromStdin, String prompt) {
    if (fromStdin) {
      return firstLineOfStdin();
    }
    String fromEnv = env.apply(ENV);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv;
    }
    if (terminal != null) {
      return askTwice(prompt);
    }
    throw CliException.local(NONE);
  }

  private String firstLineOfStdin() {
    // Not closed: standard input belongs to the process.
    BufferedReader in =
        new BufferedReader(new InputStreamReader(stdin.get(), StandardCharsets.UTF_8));
    String line;
    try {
      line = in.readLine();
    } catch (IOException e) {
      throw CliException.local("--password-stdin: cannot read standard input (" + e + ")", e);
    }
    if (line == null || line.isEmpty()) {
      throw CliException.local(
          "--password-stdin: "
              + (line == null
                  ? "standard input is empty"
                  : "the first line of standard input is empty")
              + "; write the password on it, e.g. printf '%s\\n' \"$PASSWORD\" | toygres ...");
    }
    return line;
  }

  private String askTwice(String prompt) {
    char[] first = terminal.readPassword(prompt);
    char[] again = first == null ? null : terminal.readPassword("Repeat the password: ");
    try {
      if (first == null || again == null || first.length == 0) {
        throw CliException.local("no password entered");
      }
      if (!Arrays.equals(first, again)) {
        throw CliException.local("the passwords do not match");
      }
      return new String(first);
    } finally {
      if (first != null) {
        Arrays.fill(first, ' ');
      }
      if (again != null) {
        Arrays.fill(again, ' ');
      }
    }
  }
}

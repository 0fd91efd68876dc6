package dev.toygres.controlplane.cli;

import dev.toygres.controlplane.config.ConfigurationException;
import dev.toygres.controlplane.config.DatabaseUrls;
import dev.toygres.engine.store.DatabaseUrl;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * Where {@code toygres server} finds its metadata database: {@code --database-url} (without a
 * password, since a command line is visible to every user in {@code ps}), {@code
 * --database-url-file}, or the {@code DATABASE_URL} environment variable.
 */
final class DatabaseUrlOptions {
  static final String ENV = "DATABASE_URL";

  @Option(
      names = "--database-url",
      paramLabel = "URL",
      description =
          "External PostgreSQL for the metadata, without a password (it would show in ps); give"
              + " the password in DATABASE_URL or --database-url-file instead. Default: env"
              + " DATABASE_URL, else embedded.")
  String url;

  @Option(
      names = "--database-url-file",
      paramLabel = "PATH",
      description =
          "Reads the metadata database's URL (postgresql://user:pw@host/db or JDBC) from the first"
              + " non-empty line of this file (mode 0600).")
  Path file;

  /**
   * The URL to use, or null for the embedded database: the flag, else the file, else {@code env}
   * (the value of {@code DATABASE_URL}). Warnings (a file open to other users) go to {@code
   * warnings}.
   *
   * @throws ConfigurationException if both flags are given, the flag's URL carries a password, the
   *     file cannot be read, or the URL is not one; no message contains the URL
   */
  String resolve(String env, Consumer<String> warnings) {
    if (url != null && file != null) {
      throw new ConfigurationException(
          "--database-url and --database-url-file are both given: pass only one");
    }
    if (url != null) {
      if (DatabaseUrls.hasPassword(url)) {
        throw new ConfigurationException(
            "--database-url must not carry a password: a command line is visible to every user of"
                + " this machine (ps) and stays in shell history. Put the URL in the "
                + ENV
                + " environment variable, or in a file only you can read and pass"
                + " --database-url-file PATH");
      }
      return url.isBlank() ? null : checked(url.strip(), "--database-url");
    }
    if (file != null) {
      return checked(DatabaseUrls.fromFile(file, warnings), file.toString());
    }
    return env == null || env.isBlank() ? null : checked(env.strip(), ENV);
  }

  /** The URL if the server can use it; the parser's own message may quote it, so it is dropped. */
  private static String checked(String url, String source) {
    try {
      DatabaseUrl.parse(url);
      return url;
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          "the database URL from "
              + source
              + " is not valid: use postgresql://USER:PASSWORD@HOST:PORT/DB (special characters"
              + " percent-encoded) or jdbc:postgresql://HOST:PORT/DB?user=USER&password=PASSWORD");
    }
  }
}

package dev.toygres.controlplane.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options shared by every command that talks to a running server: where it is, the API token (the
 * built-in admin token by default), and whether to print the server's JSON instead of tables.
 */
final class ClientOptions {
  static final String TOKEN_FILE = "admin-token";

  @Option(
      names = "--server",
      paramLabel = "URL",
      defaultValue = "${env:TOYGRES_URL:-http://127.0.0.1:8080}",
      description = "The Toygres server (env TOYGRES_URL; default ${DEFAULT-VALUE}).")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "API token (default: env TOYGRES_TOKEN, else the admin token in <data dir>/admin-token).")
  String token;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:TOYGRES_DATA_DIR:-${sys:user.home}/.toygres}",
      description =
          "Where to find the admin token (env TOYGRES_DATA_DIR; default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--json", description = "Print the server's JSON, for scripts.")
  boolean json;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  /** A client for the server these options point at, with the resolved token. */
  ApiClient connect() {
    return new ApiClient(
        baseUri(server), resolveToken(token, System.getenv("TOYGRES_TOKEN"), dataDir));
  }

  /**
   * The admin token: the flag if given, else the environment's value, else the token file the
   * server wrote in its data directory.
   */
  static String resolveToken(String flag, String env, Path dataDir) {
    if (flag != null && !flag.isBlank()) {
      return flag.trim();
    }
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    Path file = dataDir.resolve(TOKEN_FILE);
    String hint = "set TOYGRES_TOKEN or pass --token (the server prints its token on first start)";
    try {
      String fromFile = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (fromFile.isEmpty()) {
        throw CliException.local("no admin token: " + file + " is empty; " + hint);
      }
      return fromFile;
    } catch (NoSuchFileException e) {
      throw CliException.local(
          "no admin token: "
              + hint
              + ", or point --data-dir at the"
              + " server's data directory ("
              + file
              + " does not exist)");
    } catch (IOException e) {
      throw CliException.local("no admin token: cannot read " + file + " (" + e + "); " + hint, e);
    }
  }

  /** {@code http(s)://host[:port][/prefix]} without a trailing slash. */
  static URI baseUri(String server) {
    String s = server == null ? "" : server.trim();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    try {
      URI uri = new URI(s);
      if (uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getQuery() != null) {
        throw new URISyntaxException(s, "expected http://HOST[:PORT]");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw CliException.local(
          "invalid --server URL '" + server + "': use e.g. http://127.0.0.1:8080", e);
    }
  }
}

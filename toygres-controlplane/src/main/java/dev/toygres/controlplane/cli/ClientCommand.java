package dev.toygres.controlplane.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running server: the shared client options, the command line's own
 * output streams (so tests can read them), and a client made on first use.
 */
abstract class ClientCommand implements Callable<Integer> {
  @Mixin ClientOptions client;
  @Spec CommandSpec spec;
  private ApiClient api;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  ApiClient api() {
    if (api == null) {
      api = client.connect();
    }
    return api;
  }

  boolean json() {
    return client.json;
  }

  /** Whether stderr is a terminal worth drawing a spinner on. */
  boolean tty() {
    return System.console() != null && !client.json;
  }

  /** Prints the server's body as it came, for {@code --json}. */
  int printJson(ApiClient.Response r) {
    out().println(r.body() == null || r.body().isBlank() ? "null" : r.body().strip());
    out().flush();
    return 0;
  }

  int print(String text) {
    out().print(text);
    out().flush();
    return 0;
  }

  static String instancePath(String name) {
    return "/api/instances/" + ApiClient.segment(name);
  }
}

package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code toygres logs NAME [--tail N] [--follow]}: the end of the instance's PostgreSQL log, every
 * server's; with {@code --follow}, then what is written next, until interrupted.
 */
@Command(
    name = "logs",
    description =
        "Shows the end of an instance's PostgreSQL log, each server's (prefixed by its name when"
            + " the instance has standbys). With --follow, keeps printing new lines until Ctrl-C.")
final class LogsCommand extends ClientCommand {
  /** The most lines the server sends per server and answer. */
  static final int MAX_TAIL = 10_000;

  @Parameters(index = "0", paramLabel = "NAME", description = "The instance.")
  String name;

  @Option(
      names = "--tail",
      paramLabel = "N",
      defaultValue = "100",
      description = "The last N lines of each server's log, 1 to 10000 (default ${DEFAULT-VALUE}).")
  int tail;

  @Option(
      names = {"-f", "--follow"},
      description = "Then print new lines as they are written, until interrupted.")
  boolean follow;

  @Option(
      names = "--interval",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description = "With --follow, how often to ask for new lines (default ${DEFAULT-VALUE}).")
  Duration interval;

  @Override
  public Integer call() {
    if (tail < 1 || tail > MAX_TAIL) {
      throw CliException.local("--tail must be between 1 and " + MAX_TAIL + ", was " + tail);
    }
    String path = instancePath(name) + "/logs";
    ApiClient.Response r = api().get(path + ApiClient.query(ApiClient.params("tail", tail)));
    show(r);
    while (follow) {
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 0;
      }
      try {
        r = next(path, r);
      } catch (CliException e) {
        if (Thread.currentThread().isInterrupted()) {
          return 0;
        }
        throw e;
      }
      show(r);
    }
    return 0;
  }

  private ApiClient.Response next(String path, ApiClient.Response r) {
    String cursor = JsonText.text(r.json(), "cursor");
    return api()
        .get(
            path
                + ApiClient.query(
                    ApiClient.params(
                        "tail",
                        MAX_TAIL,
                        "after",
                        cursor == null || cursor.isEmpty() ? null : cursor)));
  }

  private void show(ApiClient.Response r) {
    if (json()) {
      out().println(r.body().strip());
      out().flush();
    } else {
      print(render(r.json()));
    }
  }

  /** Every line, each prefixed by its server's name when there are several servers. */
  static String render(JsonNode answer) {
    JsonNode members = answer.path("members");
    boolean prefix = members.size() > 1;
    StringBuilder b = new StringBuilder();
    for (JsonNode m : members) {
      String label = JsonText.text(m, "member") + " (" + JsonText.text(m, "role") + ") | ";
      for (JsonNode line : m.path("lines")) {
        if (prefix) {
          b.append(label);
        }
        b.append(line.asText()).append('\n');
      }
    }
    return b.toString();
  }
}

package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * delete, stop, start and restart: one request that starts an orchestration, then, with {@code
 * --wait}, its progress until it ends. With {@code --wait --json} the instance is printed as {@code
 * GET /api/instances/NAME} returns it afterwards (for delete: the finished orchestration).
 */
abstract class LifecycleCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The instance.")
  String name;

  @Mixin WaitOptions waitOptions;

  /** The request that starts the operation. */
  abstract ApiClient.Response request();

  /** {@code stopping}, for messages. */
  abstract String doing();

  /** {@code stopped}, for messages. */
  abstract String done();

  @Override
  public Integer call() {
    ApiClient.Response r = request();
    String id = JsonText.text(r.json(), "orchestration_id");
    if (!waitOptions.wait) {
      if (json()) {
        return printJson(r);
      }
      print(new KeyValues().add(doing(), name).add("orchestration", id).render());
      err()
          .println(
              "(pass --wait to wait for it, or follow it with: toygres orchestrations get "
                  + id
                  + ")");
      return 0;
    }
    OrchestrationWaiter.Outcome o =
        new OrchestrationWaiter(api(), err(), tty()).await(id, waitOptions.timeout);
    Lifecycle.requireCompleted(o, doing() + " " + name, id);
    return after(o);
  }

  /** What to print once the orchestration has completed: the instance's state. */
  int after(OrchestrationWaiter.Outcome o) {
    ApiClient.Response r = api().get(instancePath(name));
    if (json()) {
      return printJson(r);
    }
    JsonNode i = r.json();
    return print(
        new KeyValues()
            .add(done(), name + " in " + Times.elapsed(o.elapsed()))
            .add("state", JsonText.text(i, "state"))
            .add("health", JsonText.text(i, "health_status"))
            .add("last check", Times.ago(JsonText.text(i, "last_health_check"), Instant.now()))
            .render());
  }
}

package dev.toygres.controlplane.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.toygres.controlplane.actor.ActorOperations;
import dev.toygres.controlplane.actor.ActorOperations.ActorResult;
import io.javalin.http.Context;
import java.util.function.Function;

/** {@code /api/instances/{name}/actor/start|restart|cancel}: operations on an instance's actor. */
final class ActorHandlers {
  private final ActorOperations actors;

  ActorHandlers(ActorOperations actors) {
    this.actors = actors;
  }

  /** An {@link ActorResult} as sent: {@code previous_actor_id} only when there was one. */
  record ActorResultView(
      String instanceName,
      String actorId,
      @JsonInclude(JsonInclude.Include.NON_NULL) String previousActorId,
      String status) {
    static ActorResultView of(ActorResult r) {
      return new ActorResultView(r.instanceName(), r.actorId(), r.previousActorId(), r.status());
    }
  }

  void start(Context ctx) {
    run(ctx, actors::start);
  }

  void restart(Context ctx) {
    run(ctx, actors::restart);
  }

  void cancel(Context ctx) {
    run(ctx, actors::cancel);
  }

  private static void run(Context ctx, Function<String, ActorResult> operation) {
    String name = Params.instanceName(ctx);
    ctx.json(ActorResultView.of(operation.apply(name)));
  }
}

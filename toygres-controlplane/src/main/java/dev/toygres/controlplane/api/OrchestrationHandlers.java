package dev.toygres.controlplane.api;

import dev.toygres.controlplane.ConflictException;
import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.api.OrchestrationViews.Accepted;
import dev.toygres.controlplane.api.OrchestrationViews.CancelBody;
import dev.toygres.controlplane.api.OrchestrationViews.Detail;
import dev.toygres.controlplane.api.OrchestrationViews.EventView;
import dev.toygres.controlplane.api.OrchestrationViews.History;
import dev.toygres.controlplane.api.OrchestrationViews.ListPage;
import dev.toygres.controlplane.api.OrchestrationViews.RaiseBody;
import dev.toygres.controlplane.api.OrchestrationViews.Summary;
import dev.toygres.controlplane.instance.LifecycleOrchestrations;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.InstanceQuery;
import dev.toygres.engine.client.Page;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code /api/orchestrations}: the engine's instances, their history, cancel and raise. */
final class OrchestrationHandlers {
  static final int DEFAULT_PAGE = 100;
  static final int MAX_TEXT = 1000;

  private final DurableClient engine;

  OrchestrationHandlers(DurableClient engine) {
    this.engine = engine;
  }

  void list(Context ctx) {
    InstanceQuery query =
        new InstanceQuery(
            statuses(Params.optionalQuery(ctx, "status")),
            Params.optionalQuery(ctx, "name"),
            Params.optionalQuery(ctx, "prefix"),
            Params.limit(ctx, DEFAULT_PAGE),
            Params.optionalQuery(ctx, "cursor"));
    Page<InstanceInfo> page;
    try {
      page = engine.listInstances(query);
    } catch (IllegalArgumentException badCursor) {
      // The engine checks its cursors itself; the only argument left unchecked here is the cursor.
      if (query.cursor() == null) {
        throw badCursor;
      }
      throw new InvalidRequestException("cursor", badCursor.getMessage());
    }
    ctx.json(new ListPage(page.items().stream().map(Summary::of).toList(), page.nextCursor()));
  }

  void get(Context ctx) {
    ctx.json(Detail.of(instance(Params.orchestrationId(ctx))));
  }

  void history(Context ctx) {
    String id = Params.orchestrationId(ctx);
    int requested = Params.intQuery(ctx, "execution", 0, 1, Integer.MAX_VALUE);
    InstanceInfo info = instance(id);
    int execution = requested == 0 ? info.executionId() : requested;
    // The executions the engine still stores: the console steps between these, since past ones
    // may be purged or, for continue-as-new in place, replaced (an actor keeps only its current).
    List<Integer> stored =
        engine.listExecutions(id).stream().map(ExecutionInfo::executionId).toList();
    if (requested != 0 && !stored.contains(requested)) {
      throw new NotFoundException(
          "execution",
          id + "/" + requested,
          "orchestration '"
              + id
              + "' has no execution "
              + requested
              + " (it may be purged, or replaced in place by the next one, as an instance"
              + " actor's are)");
    }
    ctx.json(
        new History(
            id,
            execution,
            stored,
            engine.getHistory(id, execution).stream().map(EventView::of).toList()));
  }

  void cancel(Context ctx) {
    String id = Params.orchestrationId(ctx);
    CancelBody body = RequestBodies.readOptional(ctx, CancelBody.class, new CancelBody(null));
    String reason = body.reason();
    if (reason != null && reason.length() > MAX_TEXT) {
      throw new InvalidRequestException(
          "reason", "field 'reason' must be at most " + MAX_TEXT + " characters");
    }
    InstanceInfo target = instance(id);
    if (LifecycleOrchestrations.isLifecycle(target.name())) {
      throw new ConflictException(
          "orchestration '"
              + id
              + "' ("
              + target.name()
              + ") moves an instance through its lifecycle and cannot be cancelled: its cleanup"
              + " would be skipped; "
              + LifecycleOrchestrations.insteadOfCancel(target.name()));
    }
    engine.cancel(id, reason == null || reason.isBlank() ? "cancelled through the API" : reason);
    ctx.status(202).json(new Accepted(id, "cancel_requested"));
  }

  void raise(Context ctx) {
    String id = Params.orchestrationId(ctx);
    RaiseBody body = RequestBodies.read(ctx, RaiseBody.class);
    if (body.name() == null || body.name().isBlank()) {
      throw new InvalidRequestException("name", "field 'name' is required");
    }
    if (body.name().length() > Params.MAX_ID_LENGTH) {
      throw new InvalidRequestException(
          "name", "field 'name' must be at most " + Params.MAX_ID_LENGTH + " characters");
    }
    engine.raiseEvent(id, body.name(), body.data());
    ctx.status(202).json(new Accepted(id, "event_raised"));
  }

  private InstanceInfo instance(String id) {
    return engine
        .getInstance(id)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "orchestration", id, "no orchestration instance with id '" + id + "'"));
  }

  private static Set<OrchestrationStatus> statuses(String csv) {
    if (csv == null) {
      return Set.of();
    }
    return Arrays.stream(csv.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(OrchestrationHandlers::status)
        .collect(Collectors.toUnmodifiableSet());
  }

  private static OrchestrationStatus status(String text) {
    try {
      return OrchestrationStatus.parse(text);
    } catch (IllegalArgumentException unknown) {
      throw new InvalidRequestException("status", unknown.getMessage());
    }
  }
}

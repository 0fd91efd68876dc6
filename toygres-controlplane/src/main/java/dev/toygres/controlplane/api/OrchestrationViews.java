package dev.toygres.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.history.HistoryEvent;
import java.time.Instant;
import java.util.List;

/**
 * What the orchestration routes send and receive. JSON text kept by the engine (custom status,
 * inputs, results, event data) is sent as JSON values, and failures without their stack traces.
 */
final class OrchestrationViews {
  /** Fields of history events that hold JSON text. */
  private static final List<String> JSON_TEXT_FIELDS = List.of("input", "result", "output", "data");

  private OrchestrationViews() {}

  /** Body of {@code POST /api/orchestrations/{id}/cancel}. */
  record CancelBody(String reason) {}

  /** Body of {@code POST /api/orchestrations/{id}/events}. */
  record RaiseBody(String name, JsonNode data) {}

  /** The answer to an accepted cancel or event. */
  record Accepted(String instanceId, String status) {}

  /** Why an orchestration failed (or, when cancelled, why it was cancelled). */
  record ErrorView(String errorType, String message) {
    static ErrorView of(FailureDetails f) {
      return f == null ? null : new ErrorView(f.errorType(), f.message());
    }
  }

  /** One item of {@code GET /api/orchestrations}. */
  record Summary(
      String instanceId,
      String name,
      String version,
      String status,
      int executionId,
      Instant createdAt,
      Instant updatedAt,
      Instant completedAt,
      String parentInstanceId) {
    static Summary of(InstanceInfo i) {
      return new Summary(
          i.instanceId(),
          i.name(),
          i.version(),
          i.status().dbName(),
          i.executionId(),
          i.createdAt(),
          i.lastProgressAt(),
          i.completedAt(),
          i.parentInstanceId());
    }
  }

  /** A page of {@code GET /api/orchestrations}; {@code nextCursor} is null on the last page. */
  record ListPage(List<Summary> items, String nextCursor) {}

  /** {@code GET /api/orchestrations/{id}}. */
  record Detail(
      String instanceId,
      String name,
      String version,
      String status,
      int executionId,
      Instant createdAt,
      Instant updatedAt,
      Instant completedAt,
      JsonNode customStatus,
      JsonNode output,
      ErrorView error,
      String parentInstanceId) {
    static Detail of(InstanceInfo i) {
      return new Detail(
          i.instanceId(),
          i.name(),
          i.version(),
          i.status().dbName(),
          i.executionId(),
          i.createdAt(),
          i.lastProgressAt(),
          i.completedAt(),
          ApiJson.parseStored(i.customStatus()),
          ApiJson.parseStored(i.output()),
          ErrorView.of(i.failure()),
          i.parentInstanceId());
    }
  }

  /** One event of {@code GET /api/orchestrations/{id}/history}. */
  record EventView(int sequence, Instant recordedAt, String type, JsonNode data) {
    static EventView of(HistoryRecord r) {
      return new EventView(r.sequence(), r.recordedAt(), r.event().kind(), eventData(r.event()));
    }
  }

  /**
   * {@code GET /api/orchestrations/{id}/history}: one execution's events, and the numbers of the
   * executions the engine still stores (oldest first), which are the ones there is a history of.
   */
  record History(
      String instanceId, int executionId, List<Integer> executions, List<EventView> events) {}

  static JsonNode eventData(HistoryEvent e) {
    ObjectNode n = ApiJson.MAPPER.valueToTree(e);
    n.remove("type");
    for (String field : JSON_TEXT_FIELDS) {
      JsonNode v = n.get(field);
      if (v != null && v.isTextual()) {
        n.set(field, ApiJson.parseStored(v.asText()));
      }
    }
    if (n.get("failure") instanceof ObjectNode failure) {
      failure.remove("stack_trace");
    }
    return n;
  }
}

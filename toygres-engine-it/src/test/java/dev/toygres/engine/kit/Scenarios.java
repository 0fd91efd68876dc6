package dev.toygres.engine.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.internal.Json;
import dev.toygres.testkit.TestEngine;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Small helpers shared by the orchestration-semantics tests of this package. */
final class Scenarios {
  /** How long any test waits for an instance to end: generous, never a timing assertion. */
  static final Duration WAIT = Duration.ofSeconds(30);

  private Scenarios() {}

  /** Waits for the instance to end and returns it, whatever its status. */
  static InstanceInfo finish(TestEngine f, String id) throws Exception {
    return f.client().waitForCompletion(id, WAIT);
  }

  /** Waits for the instance to end and asserts it completed (showing the failure if not). */
  static InstanceInfo completed(TestEngine f, String id) throws Exception {
    InstanceInfo info = finish(f, id);
    assertThat(info.status())
        .as("status of %s (failure: %s)", id, info.failure())
        .isEqualTo(OrchestrationStatus.COMPLETED);
    return info;
  }

  /** Waits for completion and reads the output as {@code type}. */
  static <T> T output(TestEngine f, String id, Class<T> type) throws Exception {
    return Json.read(completed(f, id).output(), type);
  }

  static <T> T output(TestEngine f, String id, TypeReference<T> type) throws Exception {
    return Json.MAPPER.readValue(completed(f, id).output(), type);
  }

  /** The events of one execution's history. */
  static List<HistoryEvent> history(TestEngine f, String id, int executionId) {
    return f.client().getHistory(id, executionId).stream().map(HistoryRecord::event).toList();
  }

  /** The events of the current execution's history. */
  static List<HistoryEvent> history(TestEngine f, String id) {
    return f.client().getHistory(id).stream().map(HistoryRecord::event).toList();
  }

  static <T extends HistoryEvent> List<T> only(List<HistoryEvent> events, Class<T> kind) {
    return events.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** Waits until the instance's current history has an event matching {@code test}. */
  static void awaitHistory(TestEngine f, String id, Predicate<HistoryEvent> test) {
    await("history of " + id)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> instance(f, id).isPresent() && history(f, id).stream().anyMatch(test));
  }

  /** Waits until the instance's custom status is the JSON form of {@code status}. */
  static void awaitCustomStatus(TestEngine f, String id, Object status) {
    String json = Json.write(status);
    await("custom status " + json + " of " + id)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> instance(f, id).map(i -> json.equals(i.customStatus())).orElse(false));
  }

  /** Waits until the instance exists and has the given status. */
  static InstanceInfo awaitStatus(TestEngine f, String id, OrchestrationStatus status) {
    await("status " + status + " of " + id)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> instance(f, id).map(i -> i.status() == status).orElse(false));
    return instance(f, id).orElseThrow();
  }

  static Optional<InstanceInfo> instance(TestEngine f, String id) {
    return f.client().getInstance(id);
  }

  static String json(Object value) {
    return Json.write(value);
  }
}

package dev.toygres.engine.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.Completion;
import dev.toygres.engine.history.HistoryEvent.ExecutionCompleted;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.history.HistoryEvent.Scheduling;
import dev.toygres.testkit.TestEngine;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Assertions on stored histories shared by the process-level tests. */
final class HistoryChecks {
  private HistoryChecks() {}

  /**
   * Asserts that the history of a completed single-execution instance shows every step once: one
   * start, one completion, each task scheduled once and completed once (a local activity's one
   * event is both). Returns the events.
   */
  static List<HistoryEvent> assertCompletedOnceWithoutDuplicates(TestEngine f, String instanceId) {
    List<HistoryEvent> events =
        f.client().getHistory(instanceId, 1).stream().map(HistoryRecord::event).toList();
    assertThat(events).first().isInstanceOf(ExecutionStarted.class);
    assertThat(events).filteredOn(e -> e instanceof ExecutionStarted).hasSize(1);
    assertThat(events).filteredOn(e -> e instanceof ExecutionCompleted).hasSize(1);
    assertThat(events).last().isInstanceOf(ExecutionCompleted.class);
    Map<Integer, Long> scheduled =
        events.stream()
            .filter(e -> e instanceof Scheduling)
            .collect(Collectors.groupingBy(e -> ((Scheduling) e).taskId(), Collectors.counting()));
    Map<Integer, Long> completed =
        events.stream()
            .filter(e -> e instanceof Completion || e instanceof LocalActivityRecorded)
            .collect(
                Collectors.groupingBy(
                    e ->
                        e instanceof LocalActivityRecorded l
                            ? l.taskId()
                            : ((Completion) e).taskId(),
                    Collectors.counting()));
    assertThat(scheduled)
        .as("times each task was scheduled in %s", instanceId)
        .isNotEmpty()
        .allSatisfy((task, n) -> assertThat(n).isEqualTo(1L));
    assertThat(completed)
        .as("times each task was completed in %s", instanceId)
        .containsOnlyKeys(scheduled.keySet())
        .allSatisfy((task, n) -> assertThat(n).isEqualTo(1L));
    return events;
  }

  /** The events of one kind in a history. */
  static <T extends HistoryEvent> List<T> ofKind(List<HistoryEvent> events, Class<T> kind) {
    return events.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /**
   * Across the whole schema: (instance, execution, event kind, task) combinations stored more than
   * once, and instances without exactly one ExecutionCompleted, as readable strings (empty when
   * everything happened exactly once).
   */
  static List<String> duplicatedStepsInSchema(TestEngine f) {
    return rows(
        f,
        """
        SELECT instance_id || ' exec ' || execution_id || ' ' || event_type || ' task ' || (data->>'taskId')
               || ' x' || count(*)
        FROM {s}.history WHERE data ? 'taskId'
        GROUP BY instance_id, execution_id, event_type, data->>'taskId' HAVING count(*) > 1
        UNION ALL
        SELECT i.instance_id || ' has ' || count(h.seq) || ' ExecutionCompleted'
        FROM {s}.instances i LEFT JOIN {s}.history h
          ON h.instance_id = i.instance_id AND h.event_type = 'ExecutionCompleted'
        GROUP BY i.instance_id HAVING count(h.seq) <> 1""",
        Function.identity());
  }

  /** The first column of a query's rows, as strings. */
  static <T> List<T> rows(TestEngine f, String sql, Function<String, T> map) {
    try (var c = f.pool().getConnection();
        var s = c.createStatement();
        var rs = s.executeQuery(sql.replace("{s}", f.schema()))) {
      List<T> out = new java.util.ArrayList<>();
      while (rs.next()) {
        out.add(map.apply(rs.getString(1)));
      }
      return out;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.toygres.testkit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ContinuedAsNew;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.history.HistoryEvent.ExecutionCompleted;
import dev.toygres.engine.history.HistoryEvent.ExecutionFailed;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.internal.Json;
import dev.toygres.engine.internal.replay.OrchestrationExecutor;
import dev.toygres.engine.internal.replay.StepDecision;
import dev.toygres.engine.internal.replay.StepDecision.Outcome;
import dev.toygres.engine.orchestration.NonDeterminismException;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.Registry.OrchestrationEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Replays recorded histories against the current orchestration code, like Temporal's
 * WorkflowReplayer: a code change that old histories no longer replay with fails a test instead of
 * failing running instances in production.
 *
 * <p>The format: a recorded history is a JSON array of {@link HistoryEvent}s, one a line, each an
 * object with its {@code type} (the event's record name) and the record's fields, as the engine
 * stores them. It holds one or more executions of one instance in order; every execution begins
 * with its {@link ExecutionStarted}. Files live in {@code src/test/resources/histories/<name>.json}
 * of the project whose orchestrations they exercise, recorded from an instance whose id is {@code
 * <name>} (ids feed {@code newUuid} and child ids). A history may stop anywhere: an execution
 * without an ending replays as still running.
 *
 * <p>Versions: an execution runs the version its {@link ExecutionStarted} names. One recorded
 * without a version (an instance started without one) ran the newest version registered when its
 * first step ran, which the history does not hold: it replays as the version a later execution of
 * the same recording continued to without naming one (the same newest one), else as the oldest
 * registered version, never as the newest, so registering a new version does not break replay of
 * the recordings made before it (docs/engine.md#versions).
 *
 * <p>Local activities are never run: their outcomes are in the history, and a local activity the
 * history lacks is reported as new work.
 *
 * <p>Use: record with {@link #save} from {@code DurableClient.getHistory} of each execution of a
 * real instance, and in a unit test call {@link #assertReplays(Registry, String)} with the registry
 * the application builds (activities may be registered with null dependencies: replay never runs
 * them).
 */
public final class HistoryReplayer {
  private static final ObjectWriter EVENT_WRITER = Json.MAPPER.writerFor(HistoryEvent.class);
  private static final TypeReference<List<HistoryEvent>> EVENTS = new TypeReference<>() {};

  /**
   * One execution replayed.
   *
   * @param executionId the execution, 1 for the first
   * @param recorded the execution's recorded events
   * @param decision what the current code decided after replaying them all
   */
  public record ExecutionReplay(
      int executionId, List<HistoryEvent> recorded, StepDecision decision) {}

  private HistoryReplayer() {}

  /**
   * Reads {@code histories/<name>.json} from the class path (the test resources).
   *
   * @param name the recording's name
   * @return its events
   * @throws IllegalArgumentException if there is no such resource
   */
  public static List<HistoryEvent> load(String name) {
    String resource = "histories/" + name + ".json";
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = HistoryReplayer.class.getClassLoader();
    }
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "no recorded history " + resource + " on the class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a recorded history.
   *
   * @param json a JSON array of events
   * @return the events
   */
  public static List<HistoryEvent> parse(String json) {
    try {
      return Json.MAPPER.readValue(json, EVENTS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes events as a JSON array with one event a line (readable diffs when a recording changes).
   *
   * @param events the events
   * @return the JSON text
   */
  public static String toJson(List<HistoryEvent> events) {
    StringBuilder sb = new StringBuilder("[\n");
    for (int i = 0; i < events.size(); i++) {
      try {
        sb.append("  ").append(EVENT_WRITER.writeValueAsString(events.get(i)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      sb.append(i + 1 < events.size() ? ",\n" : "\n");
    }
    return sb.append("]\n").toString();
  }

  /**
   * Writes a recording with {@link #toJson}, creating the file's directory.
   *
   * @param file such as {@code src/test/resources/histories/<instance id>.json}
   * @param events every execution's events, in order
   * @throws IOException if it cannot be written
   */
  public static void save(Path file, List<HistoryEvent> events) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, toJson(events), StandardCharsets.UTF_8);
  }

  /**
   * Splits a recording into its executions.
   *
   * @param events a recording
   * @return its executions, each starting at an {@link ExecutionStarted}
   * @throws IllegalArgumentException if the recording does not begin with one
   */
  public static List<List<HistoryEvent>> executions(List<HistoryEvent> events) {
    List<List<HistoryEvent>> out = new ArrayList<>();
    for (HistoryEvent e : events) {
      if (e instanceof ExecutionStarted) {
        out.add(new ArrayList<>());
      } else if (out.isEmpty()) {
        throw new IllegalArgumentException(
            "a recorded history must begin with ExecutionStarted, not " + e.kind());
      }
      out.get(out.size() - 1).add(e);
    }
    return out;
  }

  /**
   * Runs the current code of the execution's orchestration over the whole recorded execution as
   * past events, with one new {@link OrchestratorStarted} as this step's only event. Recorded
   * without a version, it replays as the oldest registered version ({@link #replay} can tell better
   * from the recording's later executions).
   *
   * @param registry the current code
   * @param instanceId the recorded instance's id
   * @param executionId the execution, 1 for the first
   * @param recorded the execution's events, beginning with its {@link ExecutionStarted}
   * @return what the code decided
   * @throws AssertionError if the orchestration (or its recorded version) is not registered
   */
  public static ExecutionReplay replayExecution(
      Registry registry, String instanceId, int executionId, List<HistoryEvent> recorded) {
    ExecutionStarted start = (ExecutionStarted) recorded.get(0);
    return replayExecution(
        registry,
        instanceId,
        executionId,
        recorded,
        start.version() != null ? start.version() : oldestVersion(registry, start.name()));
  }

  private static ExecutionReplay replayExecution(
      Registry registry,
      String instanceId,
      int executionId,
      List<HistoryEvent> recorded,
      String version) {
    ExecutionStarted start = (ExecutionStarted) recorded.get(0);
    OrchestrationEntry entry =
        registry
            .orchestration(start.name(), version)
            .orElseThrow(
                () ->
                    new AssertionError(
                        "orchestration '"
                            + start.name()
                            + "' version "
                            + version
                            + " is not registered (registered: "
                            + registry.versionsOf(start.name())
                            + ")"));
    List<HistoryEvent> past = recorded;
    if (start.version() == null) {
      // As the worker does: the code sees the version its first step resolved (ctx.version()).
      past = new ArrayList<>(recorded);
      past.set(0, new ExecutionStarted(start.name(), version, start.input(), start.parent()));
    }
    Instant lastStep =
        recorded.stream()
            .filter(OrchestratorStarted.class::isInstance)
            .map(e -> ((OrchestratorStarted) e).time())
            .reduce((a, b) -> b)
            .orElse(Instant.EPOCH);
    StepDecision d =
        OrchestrationExecutor.execute(
            instanceId,
            executionId,
            entry.code(),
            entry.inputType(),
            past,
            List.of(new OrchestratorStarted(lastStep)));
    return new ExecutionReplay(executionId, recorded, d);
  }

  /**
   * The version an execution recorded without one ran. The worker resolves a missing version once,
   * at the execution's first step, to the newest version registered then, and keeps it; the
   * recording does not hold it. Within one recording, an execution that continued as new without
   * naming a version moved to that same newest version, so the first such later execution tells it.
   * Without one, the oldest registered version: a new version is only ever added, so the newest one
   * is never the one an older recording ran once the code has moved on.
   */
  static String unversionedAs(Registry registry, List<List<HistoryEvent>> executions, int index) {
    String name = ((ExecutionStarted) executions.get(index).get(0)).name();
    for (int i = index; i + 1 < executions.size(); i++) {
      List<HistoryEvent> ex = executions.get(i);
      HistoryEvent last = ex.get(ex.size() - 1);
      ExecutionStarted next = (ExecutionStarted) executions.get(i + 1).get(0);
      if (last instanceof ContinuedAsNew can
          && can.version() == null
          && next.version() != null
          && next.name().equals(name)) {
        return next.version();
      }
    }
    return oldestVersion(registry, name);
  }

  private static String oldestVersion(Registry registry, String name) {
    return registry
        .oldestVersion(name)
        .orElseThrow(() -> new AssertionError("orchestration '" + name + "' is not registered"));
  }

  /**
   * Replays every execution of a recording.
   *
   * @param registry the current code
   * @param instanceId the recorded instance's id
   * @param events the recording
   * @return one result per execution, in order
   */
  public static List<ExecutionReplay> replay(
      Registry registry, String instanceId, List<HistoryEvent> events) {
    List<List<HistoryEvent>> executions = executions(events);
    List<ExecutionReplay> out = new ArrayList<>();
    for (int i = 0; i < executions.size(); i++) {
      List<HistoryEvent> recorded = executions.get(i);
      String version = ((ExecutionStarted) recorded.get(0)).version();
      out.add(
          replayExecution(
              registry,
              instanceId,
              i + 1,
              recorded,
              version != null ? version : unversionedAs(registry, executions, i)));
    }
    return out;
  }

  /**
   * Asserts that {@code histories/<name>.json} (recorded from instance {@code <name>}) replays, as
   * {@link #assertReplays(Registry, String, List)}.
   *
   * @param registry the current code
   * @param name the recording's name, the recorded instance's id
   */
  public static void assertReplays(Registry registry, String name) {
    assertReplays(registry, name, load(name));
  }

  /**
   * Asserts that the current code replays every execution: no nondeterminism, no work the history
   * lacks, and the same ending (output, failure type or continue-as-new input and carried events).
   *
   * @param registry the current code
   * @param instanceId the recorded instance's id
   * @param events the recording
   * @throws AssertionError naming the recording, the execution and what differs
   */
  public static void assertReplays(
      Registry registry, String instanceId, List<HistoryEvent> events) {
    List<ExecutionReplay> replays = replay(registry, instanceId, events);
    for (int i = 0; i < replays.size(); i++) {
      ExecutionReplay r = replays.get(i);
      List<HistoryEvent> next = i + 1 < replays.size() ? replays.get(i + 1).recorded() : null;
      check(instanceId, r, next);
    }
  }

  private static void check(String id, ExecutionReplay r, List<HistoryEvent> nextExecution) {
    String where = "history '" + id + "' execution " + r.executionId();
    StepDecision d = r.decision();
    if (d.failure() != null
        && d.failure().errorType().equals(NonDeterminismException.class.getName())) {
      throw new AssertionError(where + " no longer replays: " + d.failure().message());
    }
    if (!d.newWork().isEmpty()) {
      throw new AssertionError(
          where
              + ": the code now schedules work the history does not have: "
              + d.newWork().stream().map(s -> s.describe() + " as task " + s.taskId()).toList());
    }
    HistoryEvent last = r.recorded().get(r.recorded().size() - 1);
    if (last instanceof ExecutionCompleted c) {
      expect(where, Outcome.COMPLETED, d);
      if (!Objects.equals(c.output(), d.output())) {
        throw new AssertionError(
            where + ": recorded output " + c.output() + ", replay gave " + d.output());
      }
    } else if (last instanceof ExecutionFailed failed) {
      expect(where, Outcome.FAILED, d);
      if (!failed.failure().errorType().equals(d.failure().errorType())) {
        throw new AssertionError(
            where + ": recorded failure " + failed.failure() + ", replay gave " + d.failure());
      }
    } else if (last instanceof ContinuedAsNew can) {
      expect(where, Outcome.CONTINUED_AS_NEW, d);
      if (!Objects.equals(can.input(), d.continueInput())) {
        throw new AssertionError(
            where
                + ": recorded continue-as-new input "
                + can.input()
                + ", replay gave "
                + d.continueInput());
      }
      if (nextExecution != null) {
        List<EventRaised> carried =
            nextExecution.stream()
                .skip(1)
                .takeWhile(EventRaised.class::isInstance)
                .map(EventRaised.class::cast)
                .toList();
        if (!carried.equals(d.carryOver())) {
          throw new AssertionError(
              where
                  + ": recorded carried-over events "
                  + carried
                  + ", replay gave "
                  + d.carryOver());
        }
      }
    } else if (!(last instanceof HistoryEvent.ExecutionCancelled)) {
      expect(where, Outcome.RUNNING, d);
    }
  }

  private static void expect(String where, Outcome expected, StepDecision d) {
    if (d.outcome() != expected) {
      throw new AssertionError(
          where
              + ": recorded outcome "
              + expected
              + ", replay gave "
              + d.outcome()
              + (d.failure() != null ? " (" + d.failure() + ")" : ""));
    }
  }
}

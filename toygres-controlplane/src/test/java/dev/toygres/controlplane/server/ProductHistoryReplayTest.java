package dev.toygres.controlplane.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.actor.InstanceActor;
import dev.toygres.controlplane.instance.AccessUpgrades;
import dev.toygres.controlplane.instance.LifecycleOrchestrations;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityCompleted;
import dev.toygres.engine.history.HistoryEvent.ContinuedAsNew;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.history.HistoryEvent.ExecutionCompleted;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.HistoryReplayer;
import java.io.File;
import java.net.URL;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays the histories that a real server's orchestrations left ({@code
 * src/test/resources/histories}, recorded by {@link ProductHistoriesIT}, which says how to
 * re-record) against the current code, registered as the server registers it. A change to the
 * instance actor, the lifecycle orchestrations, the access upgrade, the supervisor or the pruner
 * that running instances could not replay fails here: such a change must register a new version and
 * keep the old code.
 */
class ProductHistoryReplayTest {
  private static final Registry CURRENT = ProductOrchestrations.registry();

  /** Recording name (the recorded instance's id) to its events. */
  private static final Map<String, List<HistoryEvent>> RECORDED = new TreeMap<>();

  @BeforeAll
  static void load() throws Exception {
    URL dir = ProductHistoryReplayTest.class.getClassLoader().getResource("histories");
    assertThat(dir).as("src/test/resources/histories").isNotNull();
    String[] files = new File(dir.toURI()).list((d, name) -> name.endsWith(".json"));
    for (String file : files) {
      String name = file.substring(0, file.length() - ".json".length());
      RECORDED.put(name, HistoryReplayer.load(name));
    }
  }

  /** The one recording of an orchestration (the replayer wants the instance's id with it). */
  private static Map.Entry<String, List<HistoryEvent>> only(String orchestration) {
    List<Map.Entry<String, List<HistoryEvent>>> found = of(orchestration);
    assertThat(found).as("recordings of %s", orchestration).hasSize(1);
    return found.get(0);
  }

  private static List<Map.Entry<String, List<HistoryEvent>>> of(String orchestration) {
    return RECORDED.entrySet().stream()
        .filter(e -> ((ExecutionStarted) e.getValue().get(0)).name().equals(orchestration))
        .toList();
  }

  private static void replays(Map.Entry<String, List<HistoryEvent>> recording) {
    HistoryReplayer.assertReplays(CURRENT, recording.getKey(), recording.getValue());
  }

  private static long count(List<HistoryEvent> events, Class<? extends HistoryEvent> kind) {
    return events.stream().filter(kind::isInstance).count();
  }

  private static HistoryEvent last(List<HistoryEvent> events) {
    return events.get(events.size() - 1);
  }

  @Test
  void everyRecordedHistoryReplaysWithTheCurrentCode() {
    assertThat(RECORDED).hasSizeGreaterThanOrEqualTo(10);
    RECORDED.entrySet().forEach(ProductHistoryReplayTest::replays);
  }

  @Test
  void actorOverSeveralGenerationsWokenByMessagesAndSupersededReplays() {
    List<Map.Entry<String, List<HistoryEvent>>> actors = of(InstanceActor.NAME);
    assertThat(actors).as("the first actor and the one the supervisor started").hasSize(2);
    Map.Entry<String, List<HistoryEvent>> first =
        actors.stream()
            .filter(
                a ->
                    last(a.getValue()) instanceof ExecutionCompleted c
                        && c.output().contains("superseded"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no recorded actor stopped as superseded"));
    List<HistoryEvent> events = first.getValue();
    assertThat(HistoryReplayer.executions(events).size())
        .as("continue-as-new generations")
        .isGreaterThanOrEqualTo(4);
    assertThat(count(events, ContinuedAsNew.class)).isGreaterThanOrEqualTo(3);
    assertThat(events)
        .filteredOn(EventRaised.class::isInstance)
        .extracting(e -> ((EventRaised) e).name())
        .as("woken early by the stop and start messages")
        .contains(InstanceActor.MESSAGE);
    replays(first);
  }

  @Test
  void actorStartedBySupervisorAndEndedByDeleteReplays() {
    Map.Entry<String, List<HistoryEvent>> repaired =
        of(InstanceActor.NAME).stream()
            .filter(a -> !(last(a.getValue()) instanceof ExecutionCompleted))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no recorded actor ended by a delete"));
    assertThat(HistoryReplayer.executions(repaired.getValue())).hasSizeGreaterThanOrEqualTo(2);
    replays(repaired);
  }

  @Test
  void createInstanceHistoryReplaysAndStartsTheSameActor() {
    Map.Entry<String, List<HistoryEvent>> create = only(LifecycleOrchestrations.CREATE);
    replays(create);
    assertThat(((ExecutionCompleted) last(create.getValue())).output())
        .as("the actor id comes from newUuid, seeded by the instance id")
        .startsWith("\"actor-");
  }

  @Test
  void deleteStopStartAndRestartHistoriesReplay() {
    for (String name :
        List.of(
            LifecycleOrchestrations.DELETE,
            LifecycleOrchestrations.STOP,
            LifecycleOrchestrations.START,
            LifecycleOrchestrations.RESTART)) {
      Map.Entry<String, List<HistoryEvent>> r = only(name);
      assertThat(last(r.getValue())).as(name).isInstanceOf(ExecutionCompleted.class);
      replays(r);
    }
  }

  @Test
  void accessUpgradeHistoryReplays() {
    replays(only(AccessUpgrades.NAME));
  }

  @Test
  void supervisorRoundsIncludingARepairReplay() {
    Map.Entry<String, List<HistoryEvent>> supervisor = only(ActorSupervisor.NAME);
    assertThat(supervisor.getKey()).isEqualTo(ActorSupervisor.INSTANCE_ID);
    assertThat(supervisor.getValue())
        .filteredOn(ActivityCompleted.class::isInstance)
        .extracting(e -> ((ActivityCompleted) e).result())
        .as("a round that repaired the missing actor")
        .anySatisfy(result -> assertThat(result).contains("\"repaired\":1"));
    replays(supervisor);
  }

  @Test
  void prunerHistoryReplays() {
    replays(only(Pruner.NAME));
  }

  @Test
  void everyOrchestrationTheServerRegistersHasARecording() {
    assertThat(
            RECORDED.values().stream()
                .map(e -> ((ExecutionStarted) e.get(0)).name())
                .distinct()
                .sorted())
        .containsExactlyInAnyOrderElementsOf(
            Arrays.asList(
                InstanceActor.NAME,
                LifecycleOrchestrations.CREATE,
                LifecycleOrchestrations.DELETE,
                LifecycleOrchestrations.STOP,
                LifecycleOrchestrations.START,
                LifecycleOrchestrations.RESTART,
                AccessUpgrades.NAME,
                ActorSupervisor.NAME,
                Pruner.NAME));
  }
}

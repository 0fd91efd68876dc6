package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.cms.AuditLog;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.store.PostgresStore;
import dev.toygres.testkit.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recoveries repair in batches: several at once (as several servers' supervisors or operators would
 * run them) over the same findings, on real PostgreSQL, never give an instance two actors. The
 * fleet is one whose engine state was lost: every instance records an actor the engine does not
 * have. The recoveries all finish diagnosing before any of them repairs (their doctors' clocks meet
 * at a barrier), so every instance is fought over; the repairs span several batches.
 */
class ConcurrentRecoveryIT {
  private static final int INSTANCES = ActorRecovery.BATCH * 2 + 17;
  private static final int RECOVERIES = 3;
  private static TestDatabase.Fresh db;
  private static CmsStore cms;
  private static DurableClient engine;
  private static final List<String> names = new ArrayList<>();
  private static final Map<String, String> lostActors = new HashMap<>();

  @BeforeAll
  static void fleetWhoseEngineStateIsLost() throws SQLException {
    db = TestDatabase.freshDatabase(RECOVERIES * 4);
    cms = new CmsStore(db.pool());
    cms.migrate();
    PostgresStore store = new PostgresStore(db.pool(), PostgresStore.DEFAULT_SCHEMA);
    store.migrate();
    engine = new DurableClient(store);
    for (int i = 0; i < INSTANCES; i++) {
      UUID id = UUID.randomUUID();
      String name = String.format("race-%04d", i);
      String k8s = name + "-" + id.toString().substring(0, 6);
      cms.insert(
          new CmsStore.NewInstance(
              id, name, k8s, "18", 1, "postgres", "v1:t", "v1:s", "v1:m", "create-" + k8s));
      cms.transition(id, EnumSet.of(InstanceState.CREATING), InstanceState.RUNNING, "test");
      String lost = ActorIds.fresh(k8s, UUID.randomUUID());
      assertThat(cms.recordActor(id, null, lost, "test")).isTrue();
      names.add(name);
      lostActors.put(name, lost);
    }
    // A check after the actor was recorded: its start is not under way, the actor is missing.
    execute("UPDATE toygres_cms.instances SET last_health_check = now()");
  }

  @AfterAll
  static void drop() {
    if (db != null) {
      db.close();
    }
  }

  private static ActorRecovery recovery(CyclicBarrier diagnosed) {
    ActorDoctor doctor =
        new ActorDoctor(
            cms,
            engine,
            Duration.ofMinutes(5),
            () -> {
              try {
                diagnosed.await(60, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException("the other recoveries did not diagnose", e);
              }
              return Instant.now();
            });
    ActorService actors =
        new ActorService(
            cms,
            engine,
            n -> cms.findLiveByName(n).orElseThrow(() -> new IllegalStateException("no " + n)));
    return new ActorRecovery(
        doctor, actors, cms, new SimpleMeterRegistry(), new AuditLog(db.pool()));
  }

  @Test
  void recoveriesRacingOverTheSameFindingsGiveEachInstanceExactlyOneActor() throws Exception {
    CyclicBarrier diagnosed = new CyclicBarrier(RECOVERIES);
    ExecutorService pool = Executors.newFixedThreadPool(RECOVERIES);
    List<List<ActorRecovery.Result>> runs = new ArrayList<>();
    try {
      List<Future<List<ActorRecovery.Result>>> calls = new ArrayList<>();
      for (int i = 0; i < RECOVERIES; i++) {
        ActorRecovery r = recovery(diagnosed);
        calls.add(
            pool.submit(() -> r.recover(Diagnosis.REPAIRABLE, false, Initiator.token("racer"))));
      }
      for (Future<List<ActorRecovery.Result>> c : calls) {
        runs.add(c.get(5, TimeUnit.MINUTES));
      }
    } finally {
      pool.shutdownNow();
    }

    Map<String, String> started = new HashMap<>();
    int skipped = 0;
    for (List<ActorRecovery.Result> run : runs) {
      // Every recovery saw the whole fleet missing, and reports on it in the doctor's order.
      assertThat(run)
          .extracting(ActorRecovery.Result::instanceName)
          .containsExactlyElementsOf(names);
      for (ActorRecovery.Result r : run) {
        assertThat(r.diagnosis()).isEqualTo("missing");
        assertThat(r.previousActorId()).isEqualTo(lostActors.get(r.instanceName()));
        if (r.action().equals("skipped")) {
          assertThat(r.actorId()).isNull();
          assertThat(r.detail()).isEqualTo("the instance changed since it was diagnosed");
          skipped++;
        } else {
          assertThat(r.action()).isEqualTo("start");
          assertThat(started.put(r.instanceName(), r.actorId()))
              .as("a second repair of " + r.instanceName())
              .isNull();
        }
      }
    }
    assertThat(started).hasSize(INSTANCES);
    assertThat(skipped).isEqualTo(INSTANCES * (RECOVERIES - 1));

    // Exactly one running actor per instance, the recorded one, and nothing else running.
    Set<String> recorded = new HashSet<>();
    for (InstanceRecord r : cms.listLive()) {
      assertThat(r.actorId()).as(r.userName()).isEqualTo(started.get(r.userName()));
      assertThat(r.monitoringEnabled()).isTrue();
      recorded.add(r.actorId());
    }
    assertThat(engine.runningInstanceIds(InstanceActor.NAME))
        .containsExactlyInAnyOrderElementsOf(recorded);
    assertThat(engine.getInstances(lostActors.values())).isEmpty();

    // One event and one "ok" audit row per repair; a "skipped" row for each losing attempt.
    assertThat(
            count(
                "SELECT count(DISTINCT instance_id) FROM toygres_cms.instance_events WHERE"
                    + " event_type = 'actor_started' AND message LIKE 'missing actor repaired by"
                    + " token ''racer'' (start): %'"))
        .isEqualTo(INSTANCES);
    assertThat(
            count(
                "SELECT count(*) FROM toygres_cms.instance_events WHERE event_type ="
                    + " 'actor_started' AND message LIKE 'missing actor repaired%'"))
        .isEqualTo(INSTANCES);
    assertThat(
            count(
                "SELECT count(*) FROM toygres_cms.audit_log WHERE action = 'actor.repair' AND"
                    + " actor = 'racer' AND result = 'ok'"))
        .isEqualTo(INSTANCES);
    assertThat(
            count(
                "SELECT count(DISTINCT target) FROM toygres_cms.audit_log WHERE action ="
                    + " 'actor.repair' AND result = 'ok'"))
        .isEqualTo(INSTANCES);
    assertThat(
            count(
                "SELECT count(*) FROM toygres_cms.audit_log WHERE action = 'actor.repair' AND"
                    + " result = 'skipped'"))
        .isEqualTo((long) INSTANCES * (RECOVERIES - 1));
    String name = names.get(0);
    assertThat(
            count(
                "SELECT count(*) FROM toygres_cms.audit_log WHERE target = '"
                    + name
                    + "' AND result = 'ok' AND detail LIKE 'missing: start, new actor "
                    + started.get(name)
                    + " (previous "
                    + lostActors.get(name)
                    + "); recorded actor "
                    + lostActors.get(name)
                    + " does not exist in the engine; last health check %'"))
        .isEqualTo(1);
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = db.pool().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = db.pool().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

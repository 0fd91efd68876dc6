package dev.toygres.controlplane.cms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.engine.activity.LeaseLostException;
import dev.toygres.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The actor's record of a check is one conditional write on real PostgreSQL: it lands, with its
 * check row and its event, while the row holds what the actor read, and writes nothing once the row
 * changed. The fleet's recent checks come newest first, a few per live instance.
 */
class HealthRecorderIT {
  private static final Set<InstanceState> WATCHED =
      EnumSet.of(InstanceState.RUNNING, InstanceState.STOPPED);
  private static final ProbeResult FAILED = ProbeResult.failed("connection refused");
  private static TestDatabase.Fresh db;
  private static CmsStore cms;
  private static HealthRecorder recorder;

  @BeforeAll
  static void migrate() {
    db = TestDatabase.freshDatabase(4);
    cms = new CmsStore(db.pool());
    cms.migrate();
    recorder = new HealthRecorder(db.pool());
  }

  @AfterAll
  static void drop() {
    if (db != null) {
      db.close();
    }
  }

  private static UUID running(String name, String actorId) {
    UUID id = UUID.randomUUID();
    cms.insert(
        new CmsStore.NewInstance(
            id, name, name + "-abc123", "18", 1, "postgres", "v1:t", "v1:s", "v1:m", "c-" + name));
    cms.transition(id, EnumSet.of(InstanceState.CREATING), InstanceState.RUNNING, "test");
    assertThat(cms.recordActor(id, null, actorId, "test")).isTrue();
    return id;
  }

  private static Health health(UUID id) {
    return Health.of(cms.findById(id).orElseThrow());
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = db.pool().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long checks(UUID id) throws SQLException {
    return count(
        "SELECT count(*) FROM toygres_cms.instance_health_checks WHERE instance_id = '" + id + "'");
  }

  private static long healthEvents(UUID id) throws SQLException {
    return count(
        "SELECT count(*) FROM toygres_cms.instance_events WHERE event_type = 'health_changed'"
            + " AND instance_id = '"
            + id
            + "'");
  }

  @Test
  void aCheckIsRecordedWithItsRowAndEventWhileTheRowHoldsWhatTheActorRead() throws Exception {
    UUID id = running("rec-ok", "actor-a");
    Health seen = health(id);
    Health next = seen.after(HealthStatus.HEALTHY, 2);

    boolean recorded =
        recorder.record(
            id,
            new HealthRecorder.Expected("actor-a", WATCHED, seen),
            next,
            healthy(),
            LeaseFence.UNCHECKED);

    assertThat(recorded).isTrue();
    assertThat(health(id)).isEqualTo(new Health(HealthStatus.HEALTHY, 0));
    assertThat(cms.findById(id).orElseThrow().lastHealthCheck()).isNotNull();
    assertThat(checks(id)).isEqualTo(1);
    assertThat(healthEvents(id)).isEqualTo(1);

    Health again = health(id);
    recorder.record(
        id,
        new HealthRecorder.Expected("actor-a", WATCHED, again),
        again.after(HealthStatus.HEALTHY, 2),
        healthy(),
        LeaseFence.UNCHECKED);
    assertThat(checks(id)).isEqualTo(2);
    assertThat(healthEvents(id)).as("no change, no event").isEqualTo(1);
  }

  @Test
  void aSupersededActorWritesNothing() throws Exception {
    UUID id = running("rec-superseded", "actor-old");
    Health seen = health(id);
    assertThat(cms.recordActor(id, "actor-old", "actor-new", "test")).isTrue();

    boolean recorded =
        recorder.record(
            id,
            new HealthRecorder.Expected("actor-old", WATCHED, seen),
            seen.after(HealthStatus.UNHEALTHY, 1),
            FAILED,
            LeaseFence.UNCHECKED);

    assertThat(recorded).isFalse();
    assertThat(health(id)).isEqualTo(seen);
    assertThat(checks(id)).isZero();
    assertThat(healthEvents(id)).isZero();
  }

  @Test
  void monitoringOffOrAStateNotWatchedWritesNothing() throws Exception {
    UUID off = running("rec-off", "actor-off");
    Health seen = health(off);
    cms.monitoringOff(off, "actor-off", "test");
    assertThat(
            recorder.record(
                off,
                new HealthRecorder.Expected("actor-off", WATCHED, seen),
                seen.after(HealthStatus.HEALTHY, 2),
                healthy(),
                LeaseFence.UNCHECKED))
        .isFalse();

    UUID deleting = running("rec-deleting", "actor-del");
    Health seenToo = health(deleting);
    cms.transition(deleting, EnumSet.of(InstanceState.RUNNING), InstanceState.DELETING, "test");
    assertThat(
            recorder.record(
                deleting,
                new HealthRecorder.Expected("actor-del", WATCHED, seenToo),
                seenToo.after(HealthStatus.HEALTHY, 2),
                healthy(),
                LeaseFence.UNCHECKED))
        .isFalse();
    assertThat(checks(off) + checks(deleting)).isZero();
  }

  @Test
  void aHealthChangedSinceTheReadWritesNothing() throws Exception {
    UUID id = running("rec-reset", "actor-r");
    Health seen = health(id);
    recorder.record(
        id,
        new HealthRecorder.Expected("actor-r", WATCHED, seen),
        seen.after(HealthStatus.UNHEALTHY, 1),
        FAILED,
        LeaseFence.UNCHECKED);
    // The actor still holds the health it read before that write.
    assertThat(
            recorder.record(
                id,
                new HealthRecorder.Expected("actor-r", WATCHED, seen),
                seen.after(HealthStatus.HEALTHY, 1),
                healthy(),
                LeaseFence.UNCHECKED))
        .isFalse();
    assertThat(health(id)).isEqualTo(new Health(HealthStatus.UNHEALTHY, 1));
    assertThat(checks(id)).isEqualTo(1);
  }

  @Test
  void theFleetsRecentChecksAreTheNewestFewPerLiveInstanceNewestFirst() {
    UUID busy = running("recent-busy", "actor-busy");
    UUID quiet = running("recent-quiet", "actor-quiet");
    UUID gone = running("recent-gone", "actor-gone");
    for (int i = 0; i < 5; i++) {
      Health h = health(busy);
      recorder.record(
          busy,
          new HealthRecorder.Expected("actor-busy", WATCHED, h),
          h.after(i % 2 == 0 ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY, 9),
          i % 2 == 0 ? healthy() : FAILED,
          LeaseFence.UNCHECKED);
    }
    Health g = health(gone);
    recorder.record(
        gone,
        new HealthRecorder.Expected("actor-gone", WATCHED, g),
        g,
        healthy(),
        LeaseFence.UNCHECKED);
    cms.transition(gone, EnumSet.of(InstanceState.RUNNING), InstanceState.DELETED, "test");

    Map<UUID, List<RecentCheck>> recent = recorder.recent(3);

    assertThat(recent).containsKey(busy).doesNotContainKeys(quiet, gone);
    List<RecentCheck> three = recent.get(busy);
    assertThat(three).hasSize(3);
    assertThat(three)
        .extracting(RecentCheck::status)
        .containsExactly(HealthStatus.HEALTHY, HealthStatus.UNHEALTHY, HealthStatus.HEALTHY);
    assertThat(three.get(0).checkedAt()).isAfterOrEqualTo(three.get(1).checkedAt());
    assertThat(three.get(1).checkedAt()).isAfterOrEqualTo(three.get(2).checkedAt());
    assertThat(three.get(0).responseTimeMs()).isEqualTo(3.5);
    assertThat(recorder.list(busy, 3))
        .extracting(HealthCheck::checkedAt)
        .containsExactlyElementsOf(three.stream().map(RecentCheck::checkedAt).toList());
  }

  @Test
  void whatACheckSawOfTheMembersIsRecordedWithItAndReadBack() {
    UUID id = running("rec-members", "actor-m");
    Health h = health(id);
    List<MemberCheck> seen =
        List.of(
            new MemberCheck(0, "primary", 5433, 11L, "healthy", null, null, 1),
            new MemberCheck(1, "standby", 5434, null, "stopped", null, null, null));
    recorder.record(
        id,
        new HealthRecorder.Expected("actor-m", WATCHED, h),
        h.after(HealthStatus.HEALTHY, 2),
        healthy().withMembers(seen),
        LeaseFence.UNCHECKED);
    Health h2 = health(id);
    recorder.record(
        id,
        new HealthRecorder.Expected("actor-m", WATCHED, h2),
        h2.after(HealthStatus.HEALTHY, 2),
        healthy(),
        LeaseFence.UNCHECKED);

    List<HealthCheck> checks = recorder.list(id, 5);

    assertThat(checks).hasSize(2);
    assertThat(checks.get(0).members()).as("a check without members").isNull();
    assertThat(checks.get(1).members())
        .contains("\"ordinal\": 0", "\"role\": \"primary\"", "\"pid\": 11", "\"timeline\": 1")
        .contains("\"ordinal\": 1", "\"health\": \"stopped\"", "\"lag_bytes\": null");
  }

  @Test
  void theArchiveReadByAProbeIsRecordedByTheSameWriteAndKeptByAProbeThatReadNone() {
    UUID id = running("rec-archive", "actor-w");
    assertThat(cms.findById(id).orElseThrow().archive()).as("never read").isNull();
    Instant at = Instant.parse("2026-11-30T10:00:00Z");
    WalArchive read =
        new WalArchive(
            7,
            "000000010000000000000006",
            at.minusSeconds(30),
            2,
            "000000010000000000000005",
            at.minusSeconds(90),
            "000000010000000000000007",
            at);
    Health seen = health(id);
    ProbeResult probe =
        new ProbeResult(HealthStatus.HEALTHY, "PostgreSQL 18", 3.5, null, Map.of(), read);

    assertThat(
            recorder.record(
                id,
                new HealthRecorder.Expected("actor-w", WATCHED, seen),
                seen.after(HealthStatus.HEALTHY, 2),
                probe,
                LeaseFence.UNCHECKED))
        .isTrue();
    assertThat(cms.findById(id).orElseThrow().archive()).isEqualTo(read);

    Health now = health(id);
    assertThat(
            recorder.record(
                id,
                new HealthRecorder.Expected("actor-w", WATCHED, now),
                now.after(HealthStatus.UNHEALTHY, 2),
                FAILED,
                LeaseFence.UNCHECKED))
        .isTrue();
    InstanceRecord after = cms.findById(id).orElseThrow();
    assertThat(after.consecutiveFailures()).isEqualTo(1);
    assertThat(after.archive()).as("a failed probe read no archive").isEqualTo(read);

    Health later = health(id);
    WalArchive fenced = new WalArchive(8, "000000010000000000000007", at, 2, null, null, null, at);
    assertThat(
            recorder.record(
                id,
                new HealthRecorder.Expected("another-actor", WATCHED, later),
                later.after(HealthStatus.HEALTHY, 2),
                new ProbeResult(HealthStatus.HEALTHY, "PostgreSQL 18", 1.0, null, Map.of(), fenced),
                LeaseFence.UNCHECKED))
        .isFalse();
    assertThat(cms.findById(id).orElseThrow().archive())
        .as("a fenced write writes nothing")
        .isEqualTo(read);
  }

  /** A lease fence whose answer is {@code held}, as a query or, without one, through holdsIn. */
  private static LeaseFence fence(boolean held, boolean asQuery) {
    return new LeaseFence() {
      @Override
      public boolean holdsIn(Connection tx) {
        return held;
      }

      @Override
      public Optional<Query> asQuery() {
        return asQuery
            ? Optional.of(new Query("SELECT 1 WHERE ?", List.of(held)))
            : Optional.empty();
      }
    };
  }

  @Test
  void aCheckWhoseLeaseIsLostWritesNothingWhetherTheFenceIsAQueryOrNot() throws Exception {
    UUID id = running("rec-lease-lost", "actor-a");
    Health seen = health(id);
    HealthRecorder.Expected expected = new HealthRecorder.Expected("actor-a", WATCHED, seen);

    for (boolean asQuery : new boolean[] {true, false}) {
      assertThatThrownBy(
              () ->
                  recorder.record(
                      id,
                      expected,
                      seen.after(HealthStatus.UNHEALTHY, 1),
                      FAILED,
                      fence(false, asQuery)))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("recording the health check of instance " + id);
    }

    assertThat(checks(id)).isZero();
    assertThat(healthEvents(id)).isZero();
    assertThat(health(id)).isEqualTo(seen);
  }

  @Test
  void aCheckWhoseLeaseHoldsIsRecordedWhetherTheFenceIsAQueryOrNot() throws Exception {
    UUID id = running("rec-lease-held", "actor-a");

    for (boolean asQuery : new boolean[] {true, false}) {
      Health seen = health(id);
      assertThat(
              recorder.record(
                  id,
                  new HealthRecorder.Expected("actor-a", WATCHED, seen),
                  seen.after(HealthStatus.HEALTHY, 2),
                  healthy(),
                  fence(true, asQuery)))
          .isTrue();
    }

    assertThat(checks(id)).isEqualTo(2);
    assertThat(healthEvents(id)).as("unknown -> healthy once").isEqualTo(1);
  }

  @Test
  void aRecordsAsynchronousCommitLastsForItsOwnTransactionOnly() throws Exception {
    UUID id = running("rec-sync", "actor-a");
    for (int i = 0; i < 8; i++) {
      Health seen = health(id);
      assertThat(
              recorder.record(
                  id,
                  new HealthRecorder.Expected("actor-a", WATCHED, seen),
                  seen.after(HealthStatus.HEALTHY, 2),
                  healthy(),
                  LeaseFence.UNCHECKED))
          .isTrue();
    }
    assertThat(checks(id)).isEqualTo(8);
    // The setting lasts for the record's own transaction only: every pooled connection, whichever
    // the writes used, still commits synchronously (the engine's commits share the pool).
    List<Connection> all = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        all.add(db.pool().getConnection());
      }
      for (Connection c : all) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("on");
        }
      }
    } finally {
      for (Connection c : all) {
        c.close();
      }
    }
  }

  private static ProbeResult healthy() {
    return new ProbeResult(HealthStatus.HEALTHY, "PostgreSQL 18", 3.5, null, Map.of());
  }
}

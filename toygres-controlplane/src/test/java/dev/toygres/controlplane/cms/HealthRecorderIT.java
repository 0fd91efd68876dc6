package dev.toygres.controlplane.cms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.engine.activity.LeaseLostException;
import dev.toygres.testkit.TestDatabase;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The actor's record of a check is one conditional write on real PostgreSQL: it lands, with its
 * check row and its event, while the row holds what the actor read, and writes nothing once the row
 * changed. The fleet's recent checks come newest first, a few per live instance. Checks written
 * together ({@link HealthWrites}): one statement records each check of a group as its own statement
 * would (or not at all), passes over a check whose lease is gone or whose row another transaction
 * holds without waiting for it, and the checks that finish while a group is being written are
 * written together next. The check's reads of the instance ({@link CmsStore#findForCheck}) are
 * grouped the same way.
 */
class HealthRecorderIT {
  private static final Set<InstanceState> WATCHED =
      EnumSet.of(InstanceState.RUNNING, InstanceState.STOPPED);
  private static final ProbeResult FAILED = ProbeResult.failed("connection refused");
  private static final String HELD_SQL =
      "SELECT k.ord FROM unnest(?::text[]) WITH ORDINALITY AS k(held, ord) WHERE k.held::boolean";
  private static TestDatabase.Fresh db;
  private static CmsStore cms;
  private static HealthRecorder recorder;

  @BeforeAll
  static void migrate() {
    db = TestDatabase.freshDatabase(8);
    cms = new CmsStore(db.pool());
    cms.migrate();
    recorder = new HealthRecorder(db.pool());
    // Today's partition, for the statements of groups written directly below.
    recorder.partitions().createAhead(Instant.now());
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

  /**
   * A lease fence whose answer is {@code held}: as a query and in set form (written with others
   * first, then alone when passed over) or, without them, through holdsIn.
   */
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

      @Override
      public Optional<Member> asMember() {
        return asQuery ? Optional.of(new Member(HELD_SQL, List.of(held))) : Optional.empty();
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

  /** A check of {@code id} by {@code actorId} against its current health, under {@code fence}. */
  private static HealthWrites.Check check(
      UUID id, String actorId, HealthStatus seen, ProbeResult probe, LeaseFence.Member fence) {
    return check(id, actorId, seen, probe, fence, 2);
  }

  private static HealthWrites.Check check(
      UUID id,
      String actorId,
      HealthStatus seen,
      ProbeResult probe,
      LeaseFence.Member fence,
      int failureThreshold) {
    Health now = health(id);
    return new HealthWrites.Check(
        id,
        new HealthRecorder.Expected(actorId, WATCHED, now),
        now.after(seen, failureThreshold),
        probe,
        fence);
  }

  private static LeaseFence.Member unchecked() {
    return LeaseFence.UNCHECKED.asMember().orElseThrow();
  }

  /** Writes {@code checks} with one group statement, refusing to wait for a lock for 5 s. */
  private static List<Boolean> together(List<HealthWrites.Check> checks) throws SQLException {
    try (Connection c = db.pool().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL lock_timeout = '5s'");
      }
      List<Boolean> answers =
          HealthWrites.statement(c, checks.get(0).fence().sql(), List.copyOf(checks));
      c.commit();
      return answers;
    }
  }

  @Test
  void oneStatementRecordsEachCheckOfAGroupAsItsOwnStatementWould() throws Exception {
    UUID ok = running("grp-ok", "actor-ok");
    UUID superseded = running("grp-superseded", "actor-old");
    UUID off = running("grp-off", "actor-off");
    UUID reset = running("grp-reset", "actor-r");
    UUID archived = running("grp-archive", "actor-w");
    UUID members = running("grp-members", "actor-m");
    Instant at = Instant.parse("2026-11-30T10:00:00Z");
    WalArchive read =
        new WalArchive(
            7,
            "000000010000000000000006",
            at.minusSeconds(30),
            2,
            null,
            null,
            "000000010000000000000007",
            at);
    List<MemberCheck> seenMembers =
        List.of(
            new MemberCheck(0, "primary", 5433, 11L, "healthy", null, null, 1),
            new MemberCheck(1, "standby", 5434, null, "stopped", null, null, null));

    List<HealthWrites.Check> group = new ArrayList<>();
    group.add(check(ok, "actor-ok", HealthStatus.HEALTHY, healthy(), unchecked()));
    group.add(check(superseded, "actor-old", HealthStatus.UNHEALTHY, FAILED, unchecked()));
    group.add(check(off, "actor-off", HealthStatus.HEALTHY, healthy(), unchecked()));
    group.add(check(reset, "actor-r", HealthStatus.HEALTHY, healthy(), unchecked()));
    group.add(
        check(
            archived,
            "actor-w",
            HealthStatus.HEALTHY,
            new ProbeResult(HealthStatus.HEALTHY, "PostgreSQL 18", 1.25, null, Map.of(), read),
            unchecked()));
    group.add(
        check(
            members,
            "actor-m",
            HealthStatus.HEALTHY,
            healthy().withMembers(seenMembers),
            unchecked()));
    // What changed after the actors read their rows.
    assertThat(cms.recordActor(superseded, "actor-old", "actor-new", "test")).isTrue();
    cms.monitoringOff(off, "actor-off", "test");
    Health interfering = health(reset).after(HealthStatus.UNHEALTHY, 2);
    assertThat(
            new HealthRecorder(db.pool())
                .record(
                    reset,
                    new HealthRecorder.Expected("actor-r", WATCHED, health(reset)),
                    interfering,
                    FAILED,
                    LeaseFence.UNCHECKED))
        .isTrue();

    assertThat(together(group)).containsExactly(true, false, false, false, true, true);

    assertThat(health(ok)).isEqualTo(new Health(HealthStatus.HEALTHY, 0));
    assertThat(cms.findById(ok).orElseThrow().lastHealthCheck()).isNotNull();
    assertThat(checks(ok)).isEqualTo(1);
    assertThat(healthEvents(ok)).as("unknown -> healthy").isEqualTo(1);
    assertThat(checks(superseded) + checks(off)).isZero();
    assertThat(healthEvents(superseded) + healthEvents(off)).isZero();
    assertThat(health(reset)).isEqualTo(interfering);
    assertThat(checks(reset)).as("only the write before the group's").isEqualTo(1);
    assertThat(cms.findById(archived).orElseThrow().archive()).isEqualTo(read);
    HealthCheck written = new HealthRecorder(db.pool()).list(archived, 1).get(0);
    assertThat(written.responseTimeMs()).isEqualTo(1.25);
    assertThat(written.postgresVersion()).isEqualTo("PostgreSQL 18");
    assertThat(new HealthRecorder(db.pool()).list(members, 1).get(0).members())
        .contains("\"ordinal\": 0", "\"role\": \"primary\"", "\"pid\": 11")
        .contains("\"ordinal\": 1", "\"health\": \"stopped\"");

    // A failed probe reads no archive: the group keeps the one recorded, and says why it changed.
    assertThat(
            together(
                List.of(
                    check(archived, "actor-w", HealthStatus.UNHEALTHY, FAILED, unchecked(), 1))))
        .containsExactly(true);
    InstanceRecord after = cms.findById(archived).orElseThrow();
    assertThat(after.consecutiveFailures()).isEqualTo(1);
    assertThat(after.archive()).isEqualTo(read);
    assertThat(healthEvents(archived)).as("unknown -> healthy -> unhealthy").isEqualTo(2);
    assertThat(
            count(
                "SELECT count(*) FROM toygres_cms.instance_events WHERE instance_id = '"
                    + archived
                    + "' AND message = 'health healthy -> unhealthy: connection refused'"
                    + " AND metadata->>'actor_id' = 'actor-w'"))
        .isEqualTo(1);
  }

  @Test
  void aCheckWhoseLeaseIsGoneOrWhoseRowIsHeldElsewhereIsPassedOverNotWaitedFor() throws Exception {
    UUID held = running("pass-held", "actor-a");
    UUID lost = running("pass-lost", "actor-b");
    UUID locked = running("pass-locked", "actor-c");
    List<HealthWrites.Check> group =
        List.of(
            check(held, "actor-a", HealthStatus.HEALTHY, healthy(), member(true)),
            check(lost, "actor-b", HealthStatus.HEALTHY, healthy(), member(false)),
            check(locked, "actor-c", HealthStatus.HEALTHY, healthy(), member(true)));
    HealthRecorder recorder = new HealthRecorder(db.pool());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Connection locker = db.pool().getConnection()) {
      locker.setAutoCommit(false);
      try (Statement s = locker.createStatement()) {
        s.executeQuery("SELECT 1 FROM toygres_cms.instances WHERE id = '" + locked + "' FOR UPDATE")
            .close();
      }

      assertThat(together(group)).containsExactly(true, null, null);
      assertThat(checks(held)).isEqualTo(1);
      assertThat(checks(lost) + checks(locked)).isZero();

      // Through the recorder, the locked row's check waits for its lock, on its own: another
      // check is recorded meanwhile.
      Health seen = health(locked);
      CompletableFuture<Boolean> waiting =
          CompletableFuture.supplyAsync(
              () ->
                  recorder.record(
                      locked,
                      new HealthRecorder.Expected("actor-c", WATCHED, seen),
                      seen.after(HealthStatus.HEALTHY, 2),
                      healthy(),
                      LeaseFence.UNCHECKED),
              pool);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  count(
                          "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                              + " WHERE NOT l.granted AND a.datname = current_database()")
                      > 0);
      Health other = health(held);
      assertThat(
              recorder.record(
                  held,
                  new HealthRecorder.Expected("actor-a", WATCHED, other),
                  other.after(HealthStatus.HEALTHY, 2),
                  healthy(),
                  LeaseFence.UNCHECKED))
          .isTrue();
      assertThat(waiting).as("still waiting for the row").isNotDone();
      locker.rollback();
      assertThat(waiting.get()).isTrue();
    } finally {
      pool.shutdownNow();
    }
    assertThat(checks(held)).isEqualTo(2);
    assertThat(checks(locked)).isEqualTo(1);
  }

  /** A fence in set form that holds exactly when {@code held}. */
  private static LeaseFence.Member member(boolean held) {
    return new LeaseFence.Member(HELD_SQL, List.of(held));
  }

  @Test
  void checksThatFinishWhileAGroupIsBeingWrittenAreWrittenTogetherNext() throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(running("next-" + i, "actor-" + i));
    }
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    HealthWrites writes = new HealthWrites(db.pool(), meters);
    DistributionSummary sizes = meters.get("toygres.health.write.group").summary();
    ExecutorService threads = Executors.newFixedThreadPool(10);
    List<CompletableFuture<Boolean>> done = new ArrayList<>();
    try (Connection blocker = db.pool().getConnection()) {
      // The first group's statement waits for the check table, so the next checks queue up.
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("LOCK TABLE toygres_cms.instance_health_checks IN ACCESS EXCLUSIVE MODE");
      }
      for (int i = 0; i < 10; i++) {
        HealthWrites.Check c =
            check(ids.get(i), "actor-" + i, HealthStatus.HEALTHY, healthy(), unchecked());
        done.add(CompletableFuture.supplyAsync(() -> writes.record(c), threads));
        if (i == 0) {
          await().atMost(Duration.ofSeconds(30)).until(() -> sizes.count() == 1);
        }
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> writes.waiting() == 9);
      blocker.rollback();
      for (CompletableFuture<Boolean> f : done) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(sizes.count()).as("groups written").isEqualTo(2);
    assertThat(sizes.totalAmount()).as("checks they took").isEqualTo(10.0);
    assertThat(sizes.max()).as("the second group").isEqualTo(9.0);
    for (UUID id : ids) {
      assertThat(checks(id)).isEqualTo(1);
      assertThat(health(id)).isEqualTo(new Health(HealthStatus.HEALTHY, 0));
    }
  }

  @Test
  void checkReadsThatStartWhileOneIsUnderWayAreReadTogetherAsEachWouldReadAlone() throws Exception {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(running("read-" + i, "actor-" + i));
    }
    UUID missing = UUID.randomUUID();
    assertThat(
            recorder.record(
                ids.get(3),
                new HealthRecorder.Expected("actor-3", WATCHED, health(ids.get(3))),
                health(ids.get(3)).after(HealthStatus.UNHEALTHY, 1),
                FAILED,
                LeaseFence.UNCHECKED))
        .isTrue();
    ExecutorService threads = Executors.newFixedThreadPool(11);
    List<CompletableFuture<Optional<InstanceRecord>>> reads = new ArrayList<>();
    try (Connection blocker = db.pool().getConnection()) {
      // The first read waits for the table, so the next reads queue up behind it.
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("LOCK TABLE toygres_cms.instances IN ACCESS EXCLUSIVE MODE");
      }
      reads.add(CompletableFuture.supplyAsync(() -> cms.findForCheck(ids.get(0)), threads));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  count(
                          "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                              + " AND query LIKE '%FROM toygres_cms.instances WHERE id = ANY%'")
                      == 1);
      for (UUID id : ids.subList(1, 10)) {
        reads.add(CompletableFuture.supplyAsync(() -> cms.findForCheck(id), threads));
      }
      reads.add(CompletableFuture.supplyAsync(() -> cms.findForCheck(missing), threads));
      await().atMost(Duration.ofSeconds(30)).until(() -> cms.checkReadsWaiting() == 10);
      blocker.rollback();
      for (int i = 0; i < 10; i++) {
        assertThat(reads.get(i).get()).isEqualTo(cms.findById(ids.get(i)));
      }
      assertThat(reads.get(10).get()).as("no such instance").isEmpty();
    } finally {
      threads.shutdownNow();
    }
    assertThat(reads.get(3).get().orElseThrow().healthStatus())
        .as("what was committed before the read")
        .isEqualTo(HealthStatus.UNHEALTHY);
  }
}

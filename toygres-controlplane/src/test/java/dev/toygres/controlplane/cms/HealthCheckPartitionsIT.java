package dev.toygres.controlplane.cms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The health checks' daily partitions on real PostgreSQL: the upgrade to them keeps every check
 * without copying it; partitions are made ahead and dropped whole past the retention, never the
 * current day's; a check whose day has no partition yet makes it; readers see across partitions.
 * Each test has its own database.
 */
class HealthCheckPartitionsIT {
  private static final String MIGRATIONS = "classpath:dev/toygres/controlplane/cms/migration";
  private TestDatabase.Fresh db;
  private CmsStore cms;
  private HealthRecorder recorder;
  private HealthCheckPartitions partitions;

  @BeforeEach
  void database() {
    db = TestDatabase.freshDatabase(4);
    cms = new CmsStore(db.pool());
    recorder = new HealthRecorder(db.pool());
    partitions = recorder.partitions();
  }

  @AfterEach
  void drop() {
    if (db != null) {
      db.close();
    }
  }

  private void migrateTo(String version) {
    Flyway.configure()
        .dataSource(db.pool())
        .schemas(CmsStore.SCHEMA)
        .defaultSchema(CmsStore.SCHEMA)
        .createSchemas(true)
        .table("flyway_schema_history")
        .locations(MIGRATIONS)
        .placeholders(Map.of("schema", CmsStore.SCHEMA))
        .target(version)
        .load()
        .migrate();
  }

  private UUID running(String name) {
    UUID id = UUID.randomUUID();
    cms.insert(
        new CmsStore.NewInstance(
            id, name, name + "-abc123", "18", 1, "postgres", "v1:t", "v1:s", "v1:m", "c-" + name));
    cms.transition(id, EnumSet.of(InstanceState.CREATING), InstanceState.RUNNING, "test");
    assertThat(cms.recordActor(id, null, "actor-" + name, "test")).isTrue();
    return id;
  }

  private void update(String sql) throws SQLException {
    try (Connection c = db.pool().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection c = db.pool().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void checkAt(UUID id, Instant at) throws SQLException {
    update(
        "INSERT INTO toygres_cms.instance_health_checks (instance_id, status, checked_at)"
            + " VALUES ('"
            + id
            + "', 'healthy', '"
            + at
            + "')");
  }

  private boolean record(UUID id) {
    Health seen = Health.of(cms.findById(id).orElseThrow());
    return recorder.record(
        id,
        new HealthRecorder.Expected(
            "actor-" + cms.findById(id).orElseThrow().userName(),
            EnumSet.of(InstanceState.RUNNING, InstanceState.STOPPED),
            seen),
        seen.after(HealthStatus.HEALTHY, 2),
        new ProbeResult(HealthStatus.HEALTHY, "PostgreSQL 18", 1.5, null, Map.of()),
        LeaseFence.UNCHECKED);
  }

  private static String day(Instant t) {
    return PartitionDay.of(t).table();
  }

  @Test
  void theUpgradeKeepsEveryCheckAndPartitionsTodayAndTheNextTwoDays() throws Exception {
    migrateTo("11");
    UUID id = running("upgraded");
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    for (int daysAgo = 0; daysAgo < 10; daysAgo++) {
      checkAt(id, now.minus(Duration.ofDays(daysAgo)));
    }

    cms.migrate();

    assertThat(count("SELECT count(*) FROM toygres_cms.instance_health_checks")).isEqualTo(10);
    assertThat(partitions.list())
        .containsExactly(
            day(now), day(now.plus(Duration.ofDays(1))), day(now.plus(Duration.ofDays(2))));
    assertThat(recorder.list(id, 3))
        .extracting(HealthCheck::checkedAt)
        .isSortedAccordingTo((a, b) -> b.compareTo(a))
        .hasSize(3);
    assertThat(record(id)).isTrue();
    assertThat(recorder.list(id, 20)).hasSize(11);
  }

  @Test
  void partitionsAreMadeAheadOnceAndChecksOfEachDayLandInTheirs() throws Exception {
    cms.migrate();
    UUID id = running("ahead");
    Instant later = Instant.now().plus(Duration.ofDays(5));

    assertThat(partitions.createAhead(later)).isEqualTo(3);
    assertThat(partitions.createAhead(later)).isZero();
    checkAt(id, later);

    assertThat(
            count(
                "SELECT count(*) FROM toygres_cms."
                    + day(later)
                    + " WHERE instance_id = '"
                    + id
                    + "'"))
        .isEqualTo(1);
  }

  @Test
  void partitionsPastTheRetentionAreDroppedWholeAndTheRestKept() throws Exception {
    cms.migrate();
    UUID id = running("pruned");
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Instant tenDaysAgo = now.minus(Duration.ofDays(10));
    // A fresh schema's partition of today reaches back to MINVALUE (the upgrade's); days before it
    // can only be made once it is gone, as a fleet running for days has them.
    update("DROP TABLE toygres_cms." + day(now));
    partitions.createAhead(now);
    partitions.createAhead(tenDaysAgo);
    partitions.createAhead(tenDaysAgo.plus(Duration.ofDays(3)));
    for (int daysAgo = 10; daysAgo >= 5; daysAgo--) {
      checkAt(id, now.minus(Duration.ofDays(daysAgo)));
    }
    checkAt(id, now);
    long before = partitions.list().size();

    HealthCheckPartitions.Dropped dropped =
        partitions.dropOlderThan(now.minus(Duration.ofDays(7)), now);

    List<String> left = partitions.list();
    assertThat(dropped.partitions()).isEqualTo(before - left.size()).isPositive();
    assertThat(left).doesNotContain(day(tenDaysAgo), day(now.minus(Duration.ofDays(8))));
    assertThat(left).contains(day(now.minus(Duration.ofDays(6))), day(now));
    assertThat(
            count(
                "SELECT count(*) FROM toygres_cms.instance_health_checks WHERE checked_at < '"
                    + now.minus(Duration.ofDays(7)).truncatedTo(java.time.temporal.ChronoUnit.DAYS)
                    + "'"))
        .isZero();
    assertThat(recorder.list(id, 100)).extracting(HealthCheck::checkedAt).contains(now);
  }

  @Test
  void theCurrentDaysPartitionIsNeverDroppedWhateverTheCutoff() throws Exception {
    cms.migrate();
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

    partitions.dropOlderThan(now.plus(Duration.ofDays(30)), now);

    assertThat(partitions.list()).contains(day(now), day(now.plus(Duration.ofDays(2))));
  }

  @Test
  void aCheckWhoseDayHasNoPartitionMakesItAndIsRecorded() throws Exception {
    cms.migrate();
    UUID id = running("made");
    update("DROP TABLE toygres_cms." + day(Instant.now()));
    assertThat(partitions.list()).doesNotContain(day(Instant.now()));

    assertThat(record(id)).isTrue();

    assertThat(partitions.list()).contains(day(Instant.now()));
    assertThat(recorder.list(id, 5)).hasSize(1);
  }
}

package dev.toygres.controlplane.cms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A standby restart is made only while the instance's row holds a running instance watched by the
 * asking actor, and is recorded as one event per standby, on real PostgreSQL.
 */
class StandbyRestartsIT {
  private static TestDatabase.Fresh db;
  private static CmsStore cms;
  private static StandbyRestarts restarts;

  @BeforeAll
  static void migrate() {
    db = TestDatabase.freshDatabase(4);
    cms = new CmsStore(db.pool());
    cms.migrate();
    restarts = new StandbyRestarts(db.pool());
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

  private static long count(String sql) throws SQLException {
    try (Connection c = db.pool().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aStandbyRestartRunsWhileTheRowHoldsItsRunningInstanceAndRecordsOneEventPerStandby()
      throws Exception {
    UUID id = running("rec-standby", "actor-s");

    var done =
        restarts.restart(
            id,
            "actor-s",
            LeaseFence.UNCHECKED,
            () ->
                List.of(
                    new StandbyRestarts.Outcome(1, 4242L, null),
                    new StandbyRestarts.Outcome(2, null, "no space left on device")));

    assertThat(done).isPresent();
    assertThat(done.get())
        .extracting(StandbyRestarts.Outcome::started)
        .containsExactly(true, false);
    assertThat(
            count(
                "SELECT count(*) FROM toygres_cms.instance_events WHERE instance_id = '"
                    + id
                    + "' AND event_type = 'standby_restarted'"
                    + " AND message = 'standby 1 restarted, pid 4242'"))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM toygres_cms.instance_events WHERE instance_id = '"
                    + id
                    + "' AND event_type = 'standby_restart_failed'"
                    + " AND message LIKE 'standby 2 %no space left on device'"))
        .isEqualTo(1);
  }

  @Test
  void aStandbyRestartIsNotMadeForASupersededActorOrAStoppedInstance() throws Exception {
    UUID superseded = running("rec-standby-old", "actor-old-s");
    assertThat(cms.recordActor(superseded, "actor-old-s", "actor-new-s", "test")).isTrue();
    UUID stopped = running("rec-standby-stopped", "actor-st");
    cms.transition(stopped, EnumSet.of(InstanceState.RUNNING), InstanceState.STOPPED, "test");
    int[] runs = {0};

    for (var c : List.of(Map.entry(superseded, "actor-old-s"), Map.entry(stopped, "actor-st"))) {
      var done =
          restarts.restart(
              c.getKey(),
              c.getValue(),
              LeaseFence.UNCHECKED,
              () -> {
                runs[0]++;
                return List.of(new StandbyRestarts.Outcome(1, 1L, null));
              });
      assertThat(done).isEmpty();
    }

    assertThat(runs[0]).isZero();
    assertThat(
            count(
                "SELECT count(*) FROM toygres_cms.instance_events WHERE event_type LIKE 'standby%'"
                    + " AND instance_id IN ('"
                    + superseded
                    + "', '"
                    + stopped
                    + "')"))
        .isZero();
  }
}

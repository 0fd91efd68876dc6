package dev.toygres.controlplane.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.Health;
import dev.toygres.controlplane.cms.HealthRecorder;
import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.controlplane.cms.ProbeResult;
import dev.toygres.engine.activity.LeaseFence;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A health check's record does not wait for the WAL flush (docs/actor.md#the-loop): the commit that
 * acknowledges the check (the actor's step), later in the WAL, flushes it too. Here each check is
 * followed by a synchronous commit of its own, as the step's; the metadata database is then killed
 * with SIGKILL (postmaster and backends) in the middle of more checks, and started again: every
 * acknowledged check is still there, whatever the unacknowledged ones became.
 */
class HealthWriteCrashIT {
  private static final int INSTANCES = 40;
  private static final int ACKNOWLEDGED_ROUNDS = 3;

  @Test
  void everyCheckFollowedByASynchronousCommitSurvivesTheDatabaseKilled() throws Exception {
    try (FaultRig rig = FaultRig.start("health-write-crash", false)) {
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setURL(rig.db().urlWithPassword());
      CmsStore cms = new CmsStore(ds);
      cms.migrate();
      HealthRecorder recorder = new HealthRecorder(ds);
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < INSTANCES; i++) {
        ids.add(running(cms, "crash-" + i));
      }
      try (Connection c = rig.db().connect();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE acks (instance_id uuid NOT NULL, round int NOT NULL)");
      }

      try (Connection acks = rig.db().connect();
          PreparedStatement ack = acks.prepareStatement("INSERT INTO acks VALUES (?, ?)")) {
        for (int round = 1; round <= ACKNOWLEDGED_ROUNDS; round++) {
          for (UUID id : ids) {
            check(cms, recorder, id);
            ack.setObject(1, id);
            ack.setInt(2, round);
            ack.executeUpdate();
          }
        }
      }
      // More checks, none acknowledged, and the database killed while they are written.
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (UUID id : ids) {
                    check(cms, recorder, id);
                  }
                } catch (RuntimeException killed) {
                  // expected once the database is gone
                }
              });
      writer.start();
      Thread.sleep(20);
      rig.db().kill();
      writer.join();
      rig.db().start();

      try (Connection c = rig.db().connect();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  """
                  SELECT a.instance_id, max(a.round),
                    (SELECT count(*) FROM toygres_cms.instance_health_checks h
                     WHERE h.instance_id = a.instance_id)
                  FROM acks a GROUP BY a.instance_id""")) {
        int instances = 0;
        while (rs.next()) {
          instances++;
          assertThat(rs.getLong(3))
              .as("checks kept of instance %s, acknowledged %d", rs.getObject(1), rs.getInt(2))
              .isGreaterThanOrEqualTo(rs.getInt(2));
        }
        assertThat(instances).as("instances whose acknowledgements survived").isEqualTo(INSTANCES);
      }
    }
  }

  private static UUID running(CmsStore cms, String name) {
    UUID id = UUID.randomUUID();
    cms.insert(
        new CmsStore.NewInstance(
            id, name, name + "-abc123", "18", 1, "postgres", "v1:t", "v1:s", "v1:m", "c-" + name));
    cms.transition(id, EnumSet.of(InstanceState.CREATING), InstanceState.RUNNING, "test");
    assertThat(cms.recordActor(id, null, "actor-" + name, "test")).isTrue();
    return id;
  }

  private static void check(CmsStore cms, HealthRecorder recorder, UUID id) {
    InstanceRecord r = cms.findById(id).orElseThrow();
    Health seen = Health.of(r);
    assertThat(
            recorder.record(
                id,
                new HealthRecorder.Expected(
                    r.actorId(), EnumSet.of(InstanceState.RUNNING, InstanceState.STOPPED), seen),
                seen.after(HealthStatus.HEALTHY, 2),
                new ProbeResult(HealthStatus.HEALTHY, "PostgreSQL 18", 1.0, null, Map.of()),
                LeaseFence.UNCHECKED))
        .isTrue();
  }
}

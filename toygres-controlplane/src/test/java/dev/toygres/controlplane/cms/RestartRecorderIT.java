package dev.toygres.controlplane.cms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The crash-restart state on real PostgreSQL: an attempt is claimed once whoever asks, a failed one
 * schedules the next with its reason, it survives in the row (so across continue-as-new and a
 * control-plane restart), and it is forgotten once the server stayed healthy long enough or the
 * instance stops.
 */
class RestartRecorderIT {
  private static TestDatabase.Fresh db;
  private static CmsStore cms;
  private static RestartRecorder restarts;

  @BeforeAll
  static void migrate() {
    db = TestDatabase.freshDatabase(4);
    cms = new CmsStore(db.pool());
    cms.migrate();
    restarts = new RestartRecorder(db.pool());
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

  private static void sql(String statement) throws SQLException {
    try (Connection c = db.pool().getConnection();
        Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  @Test
  void anAttemptIsMadeOnceWhenTwoCheckersClaimIt() {
    UUID id = running("claim-once", "actor-1");
    assertThat(restarts.schedule(id, "actor-1", 0, Duration.ZERO, "down", LeaseFence.UNCHECKED))
        .isTrue();
    assertThat(restarts.schedule(id, "actor-1", 0, Duration.ZERO, "down", LeaseFence.UNCHECKED))
        .isFalse();
    AtomicInteger starts = new AtomicInteger();
    RestartRecorder.Attempt first =
        restarts.attempt(
            id,
            "actor-1",
            0,
            () -> (long) (1000 + starts.incrementAndGet()),
            Duration.ofSeconds(10),
            "r",
            LeaseFence.UNCHECKED);
    RestartRecorder.Attempt second =
        restarts.attempt(
            id,
            "actor-1",
            0,
            () -> (long) (1000 + starts.incrementAndGet()),
            Duration.ofSeconds(10),
            "r",
            LeaseFence.UNCHECKED);
    assertThat(first.started()).isTrue();
    assertThat(first.number()).isEqualTo(1);
    assertThat(second).isNull();
    assertThat(starts).hasValue(1);
    assertThat(cms.findById(id).orElseThrow().pid()).isEqualTo(1001L);
    RestartRecorder.State s = restarts.read(id);
    assertThat(s.attempts()).isEqualTo(1);
    assertThat(s.failures()).isZero();
    assertThat(s.nextRestartAt()).isNull();
    assertThat(cms.events(id, 10)).anyMatch(e -> e.message().contains("attempt 1, pid 1001"));
  }

  @Test
  void aFailedStartSchedulesTheNextAttemptWithItsReasonAndASupersededActorClaimsNothing() {
    UUID id = running("fails", "actor-2");
    restarts.schedule(id, "actor-2", 0, Duration.ZERO, "down", LeaseFence.UNCHECKED);
    assertThat(
            restarts.attempt(
                id, "actor-old", 0, () -> 1L, Duration.ZERO, "r", LeaseFence.UNCHECKED))
        .isNull();
    RestartRecorder.Attempt a =
        restarts.attempt(
            id,
            "actor-2",
            0,
            () -> {
              throw new IllegalStateException("invalid configuration");
            },
            Duration.ofSeconds(30),
            "crash loop: test",
            LeaseFence.UNCHECKED);
    assertThat(a.started()).isFalse();
    RestartRecorder.State s = restarts.read(id);
    assertThat(s.attempts()).isEqualTo(1);
    assertThat(s.failures()).isEqualTo(1);
    assertThat(s.healthReason()).isEqualTo("crash loop: test");
    assertThat(Duration.between(s.now(), s.nextRestartAt()))
        .isBetween(Duration.ofSeconds(29), Duration.ofSeconds(30));
    assertThat(restarts.healthReasons()).containsEntry(id, "crash loop: test");
    // not due yet: nothing to claim
    assertThat(
            restarts.attempt(id, "actor-2", 1, () -> 1L, Duration.ZERO, "r", LeaseFence.UNCHECKED))
        .isNull();
  }

  @Test
  void restartsAreForgottenOnceTheServerStayedHealthyLongEnoughOrTheInstanceStopped()
      throws SQLException {
    UUID id = running("heals", "actor-3");
    restarts.schedule(id, "actor-3", 0, Duration.ZERO, "down", LeaseFence.UNCHECKED);
    restarts.attempt(id, "actor-3", 0, () -> 7L, Duration.ZERO, "r", LeaseFence.UNCHECKED);
    restarts.healthy(id, Duration.ofMinutes(10));
    assertThat(restarts.read(id).attempts()).isEqualTo(1);
    assertThat(restarts.read(id).healthReason()).isNull();
    sql(
        "UPDATE toygres_cms.instances SET last_restart_at = now() - interval '11 minutes' WHERE id = '"
            + id
            + "'");
    restarts.healthy(id, Duration.ofMinutes(10));
    assertThat(restarts.read(id).attempts()).isZero();

    UUID stopped = running("stops", "actor-4");
    restarts.schedule(stopped, "actor-4", 0, Duration.ofMinutes(1), "down", LeaseFence.UNCHECKED);
    restarts.forget(stopped, "x", null);
    assertThat(restarts.read(stopped).nextRestartAt()).isNotNull();
    cms.transition(
        stopped, EnumSet.of(InstanceState.RUNNING), InstanceState.STOPPED, "stopped by test");
    restarts.forget(stopped, "x", null);
    assertThat(restarts.read(stopped).nextRestartAt()).isNull();
    assertThat(restarts.read(stopped).healthReason()).isNull();
  }
}

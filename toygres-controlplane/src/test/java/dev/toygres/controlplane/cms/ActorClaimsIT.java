package dev.toygres.controlplane.cms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many actors recorded at once on real PostgreSQL: each claim is the compare-and-set of {@link
 * CmsStore#recordActor}, limited to the given states, with its event; the work run with the claims
 * sees only the claims that won, and its failure leaves nothing of any claim.
 */
class ActorClaimsIT {
  private static final Set<InstanceState> WATCHED =
      EnumSet.of(InstanceState.RUNNING, InstanceState.STOPPED);
  private static TestDatabase.Fresh db;
  private static CmsStore cms;
  private static ActorClaims claims;

  @BeforeAll
  static void migrate() {
    db = TestDatabase.freshDatabase(4);
    cms = new CmsStore(db.pool());
    cms.migrate();
    claims = new ActorClaims(db.pool());
  }

  @AfterAll
  static void drop() {
    if (db != null) {
      db.close();
    }
  }

  private static UUID instance(String name, InstanceState state, String actorId) {
    UUID id = UUID.randomUUID();
    cms.insert(
        new CmsStore.NewInstance(
            id, name, name + "-abc123", "18", 1, "postgres", "v1:t", "v1:s", "v1:m", "c-" + name));
    if (state != InstanceState.CREATING) {
      cms.transition(id, EnumSet.of(InstanceState.CREATING), state, "test");
    }
    if (actorId != null) {
      assertThat(cms.recordActor(id, null, actorId, "test")).isTrue();
    }
    return id;
  }

  private static String actor(UUID id) {
    return cms.findById(id).orElseThrow().actorId();
  }

  private static long events(UUID id, String message) throws SQLException {
    try (Connection c = db.pool().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM toygres_cms.instance_events WHERE instance_id = '"
                    + id
                    + "' AND event_type = 'actor_started' AND message = '"
                    + message
                    + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void onlyInstancesStillWithTheExpectedActorAndInAWatchedStateAreClaimed() throws Exception {
    UUID same = instance("cl-same", InstanceState.RUNNING, "actor-old-1");
    UUID none = instance("cl-none", InstanceState.STOPPED, null);
    UUID moved = instance("cl-moved", InstanceState.RUNNING, "actor-newer");
    UUID creating = instance("cl-creating", InstanceState.CREATING, "actor-old-4");
    List<ActorClaims.Claim> wanted =
        List.of(
            new ActorClaims.Claim(same, "actor-old-1", "actor-fresh-1", "repaired 1"),
            new ActorClaims.Claim(moved, "actor-old-3", "actor-fresh-3", "repaired 3"),
            new ActorClaims.Claim(none, null, "actor-fresh-2", "repaired 2"),
            new ActorClaims.Claim(creating, "actor-old-4", "actor-fresh-4", "repaired 4"));
    List<List<ActorClaims.Claim>> seen = new ArrayList<>();

    List<ActorClaims.Claim> won = claims.claim(wanted, WATCHED, (tx, c) -> seen.add(c));

    assertThat(won).containsExactly(wanted.get(0), wanted.get(2));
    assertThat(seen).containsExactly(won);
    assertThat(actor(same)).isEqualTo("actor-fresh-1");
    assertThat(actor(none)).isEqualTo("actor-fresh-2");
    assertThat(actor(moved)).isEqualTo("actor-newer");
    assertThat(actor(creating)).isEqualTo("actor-old-4");
    assertThat(events(same, "repaired 1")).isEqualTo(1);
    assertThat(events(none, "repaired 2")).isEqualTo(1);
    assertThat(events(moved, "repaired 3")).isZero();
    assertThat(events(creating, "repaired 4")).isZero();
  }

  @Test
  void aFailureOfTheWorkDoneWithTheClaimsLeavesNoClaimAndNoEvent() throws Exception {
    UUID id = instance("cl-rollback", InstanceState.RUNNING, "actor-kept");
    List<ActorClaims.Claim> wanted =
        List.of(new ActorClaims.Claim(id, "actor-kept", "actor-lost", "rolled back"));

    assertThatThrownBy(
            () ->
                claims.claim(
                    wanted,
                    WATCHED,
                    (tx, c) -> {
                      throw new IllegalStateException("the engine refused");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the engine refused");

    assertThat(actor(id)).isEqualTo("actor-kept");
    assertThat(events(id, "rolled back")).isZero();
  }

  @Test
  void twoClaimsForOneInstanceAreRefusedBeforeAnythingIsWritten() {
    UUID id = instance("cl-twice", InstanceState.RUNNING, "actor-one");
    List<ActorClaims.Claim> wanted =
        List.of(
            new ActorClaims.Claim(id, "actor-one", "actor-a", "a"),
            new ActorClaims.Claim(id, "actor-one", "actor-b", "b"));

    assertThatThrownBy(() -> claims.claim(wanted, WATCHED, (tx, c) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(id.toString());
    assertThat(actor(id)).isEqualTo("actor-one");
  }
}

package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.ConflictException;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceEvent;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.store.PostgresStore;
import dev.toygres.engine.store.StoreException;
import dev.toygres.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An actor's launch (the API's actor start and restart) records the fresh actor id and starts the
 * actor in one transaction, on real PostgreSQL: a launched actor is both recorded and running, a
 * launch that loses its compare-and-set starts nothing, and one whose engine start fails records
 * nothing.
 */
class ActorLaunchIT {
  private static TestDatabase.Fresh db;
  private static CmsStore cms;
  private static DurableClient engine;
  private static ActorService actors;

  @BeforeAll
  static void migrate() {
    db = TestDatabase.freshDatabase(4);
    cms = new CmsStore(db.pool());
    cms.migrate();
    PostgresStore store = new PostgresStore(db.pool(), PostgresStore.DEFAULT_SCHEMA);
    store.migrate();
    engine = new DurableClient(store);
    actors = service(engine);
  }

  @AfterAll
  static void drop() {
    if (db != null) {
      db.close();
    }
  }

  private static ActorService service(DurableClient client) {
    return new ActorService(
        cms, client, n -> cms.findLiveByName(n).orElseThrow(() -> new IllegalStateException(n)));
  }

  private static InstanceRecord running(String name) {
    UUID id = UUID.randomUUID();
    String k8s = name + "-" + id.toString().substring(0, 6);
    cms.insert(
        new CmsStore.NewInstance(
            id, name, k8s, "18", 1, "postgres", "v1:t", "v1:s", "v1:m", "create-" + k8s));
    cms.transition(id, EnumSet.of(InstanceState.CREATING), InstanceState.RUNNING, "test");
    return cms.findById(id).orElseThrow();
  }

  private static long actorStartedEvents(UUID id) {
    return cms.events(id, 100).stream()
        .map(InstanceEvent::eventType)
        .filter("actor_started"::equals)
        .count();
  }

  private static long engineInstances() throws SQLException {
    try (Connection c = db.pool().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM toygres_durable.instances")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aLaunchedActorIsRecordedAndRunning() {
    InstanceRecord r = running("launch-ok");

    String id = actors.launch(r, null, "started by the test");

    InstanceRecord now = cms.findById(r.id()).orElseThrow();
    assertThat(now.actorId()).isEqualTo(id);
    assertThat(now.monitoringEnabled()).isTrue();
    assertThat(engine.getInstance(id))
        .hasValueSatisfying(i -> assertThat(i.status()).isEqualTo(OrchestrationStatus.RUNNING));
    assertThat(actorStartedEvents(r.id())).isEqualTo(1);
  }

  @Test
  void aLaunchThatLosesItsCompareAndSetStartsNoActor() throws SQLException {
    InstanceRecord r = running("launch-lost");
    String winner = actors.launch(r, null, "the first start");
    long before = engineInstances();

    // r still says "no actor": a second start made from the same read loses.
    assertThatThrownBy(() -> actors.launch(r, null, "the second start"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("launch-lost");

    assertThat(engineInstances()).isEqualTo(before);
    assertThat(cms.findById(r.id()).orElseThrow().actorId()).isEqualTo(winner);
    assertThat(actorStartedEvents(r.id())).isEqualTo(1);
  }

  @Test
  void aLaunchWhoseEngineStartFailsRecordsNothing() throws SQLException {
    InstanceRecord r = running("launch-fails");
    // An engine whose schema does not exist in the database: its start fails for real.
    ActorService broken =
        service(new DurableClient(new PostgresStore(db.pool(), "toygres_durable_missing")));
    long before = engineInstances();

    assertThatThrownBy(() -> broken.launch(r, null, "never recorded"))
        .isInstanceOf(StoreException.class);

    InstanceRecord now = cms.findById(r.id()).orElseThrow();
    assertThat(now.actorId()).isNull();
    assertThat(actorStartedEvents(r.id())).isZero();
    assertThat(engineInstances()).isEqualTo(before);
  }
}

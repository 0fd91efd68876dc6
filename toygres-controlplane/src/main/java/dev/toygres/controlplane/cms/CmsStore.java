package dev.toygres.controlplane.cms;

import dev.toygres.engine.store.SchemaMigrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The instances table: create, read and move instances between states, each move with its event.
 */
public final class CmsStore {
  public static final String SCHEMA = "toygres_cms";

  /** The most instances one statement of {@link #findForCheck} reads. */
  static final int MAX_READ_GROUP = 64;

  private final DataSource ds;
  private final Together<UUID, Optional<InstanceRecord>> checkReads =
      new Together<>(MAX_READ_GROUP, this::findAll);
  private final EventLog events;
  private final Members members;
  private final Backups backups;

  public CmsStore(DataSource ds) {
    this.ds = ds;
    this.events = new EventLog();
    this.members = new Members(ds);
    this.backups = new Backups(ds);
  }

  /** The instances' desired replication and recorded servers. */
  public Members members() {
    return members;
  }

  /** The backup catalogue and the instances' backup policies. */
  public Backups backups() {
    return backups;
  }

  /** Creates or upgrades the CMS schema (safe when several servers start at once). */
  public void migrate() {
    SchemaMigrations.apply(
        ds, SCHEMA, "classpath:dev/toygres/controlplane/cms/migration", Map.of());
  }

  public DataSource dataSource() {
    return ds;
  }

  /**
   * What a new instance starts with: the tenant's role and the password given at create, and the
   * control plane's own secrets, all sealed.
   */
  public record NewInstance(
      UUID id,
      String userName,
      String k8sName,
      String postgresVersion,
      int storageSizeGb,
      String tenantUser,
      String tenantPasswordSealed,
      String superuserPasswordSealed,
      String monitorPasswordSealed,
      String createOrchestrationId) {
    @Override
    public String toString() {
      return "NewInstance[" + userName + ", " + k8sName + ", user " + tenantUser + "]";
    }
  }

  /**
   * Inserts an instance in state creating; throws {@link NameTakenException} if a live one has the
   * name.
   */
  public void insert(NewInstance n) {
    insert(n, c -> {});
  }

  /**
   * Work that must commit in the same transaction as a CMS write, on its connection (for example
   * starting the orchestration that carries out the intent just recorded). It must neither commit
   * nor roll back; an exception it throws rolls the whole transaction back and is rethrown.
   */
  @FunctionalInterface
  public interface SameTransaction {
    void run(Connection tx);
  }

  /**
   * Inserts an instance in state creating and runs {@code alsoInTx} in the same transaction: both
   * commit or neither does. Throws {@link NameTakenException} if a live one has the name.
   */
  public void insert(NewInstance n, SameTransaction alsoInTx) {
    Db.tx(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          INSERT INTO toygres_cms.instances (id, user_name, k8s_name, postgres_version, storage_size_gb,
            tenant_user, tenant_password_sealed, superuser_password_sealed, monitor_password_sealed,
            create_orchestration_id, access_version)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setObject(1, n.id());
            ps.setString(2, n.userName());
            ps.setString(3, n.k8sName());
            ps.setString(4, n.postgresVersion());
            ps.setInt(5, n.storageSizeGb());
            ps.setString(6, n.tenantUser());
            ps.setString(7, n.tenantPasswordSealed());
            ps.setString(8, n.superuserPasswordSealed());
            ps.setString(9, n.monitorPasswordSealed());
            ps.setString(10, n.createOrchestrationId());
            ps.setInt(11, InstanceRecord.Access.CURRENT);
            ps.executeUpdate();
          } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())
                && String.valueOf(e.getMessage()).contains("instances_live_name_idx")) {
              throw new NameTakenException(n.userName());
            }
            throw e;
          }
          events.append(
              c,
              n.id(),
              "created",
              null,
              "creating",
              "instance '" + n.userName() + "' requested (PostgreSQL " + n.postgresVersion() + ")",
              "{}");
          alsoInTx.run(c);
          return null;
        });
  }

  public Optional<InstanceRecord> findLiveByName(String name) {
    return Db.auto(ds, c -> one(c, "WHERE user_name = ? AND state <> 'deleted'", name));
  }

  public Optional<InstanceRecord> findById(UUID id) {
    return Db.auto(ds, c -> one(c, "WHERE id = ?", id));
  }

  /**
   * {@link #findById}, read together with the other instances whose reads start while a read of
   * this kind is under way: a fleet's actors start their checks a batch at a time, and one
   * statement then reads a few dozen rows instead of one each. Never older than a read started when
   * this was called.
   */
  public Optional<InstanceRecord> findForCheck(UUID id) {
    Optional<InstanceRecord> read = checkReads.run(id);
    return read != null ? read : findById(id);
  }

  /** How many reads of {@link #findForCheck} wait for the one under way (for tests). */
  int checkReadsWaiting() {
    return checkReads.waiting();
  }

  /** The instances of {@code ids}, in their order (empty: no such instance). */
  private List<Optional<InstanceRecord>> findAll(List<UUID> ids) {
    Map<UUID, InstanceRecord> found =
        Db.auto(
            ds,
            c -> {
              Map<UUID, InstanceRecord> rows = new HashMap<>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT "
                          + CmsRows.INSTANCE_COLUMNS
                          + " FROM toygres_cms.instances WHERE id = ANY (?::uuid[])")) {
                ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    InstanceRecord r = CmsRows.instance(rs);
                    rows.put(r.id(), r);
                  }
                }
              }
              return rows;
            });
    return ids.stream().map(id -> Optional.ofNullable(found.get(id))).toList();
  }

  /** Every instance that is not deleted, by name. */
  public List<InstanceRecord> listLive() {
    return list("state <> 'deleted'");
  }

  /**
   * The sealed password of the newest instance, deleted ones included (to check that a secret key
   * opens what is stored), or empty if there has never been an instance.
   */
  public Optional<String> newestSealedPassword() {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT coalesce(superuser_password_sealed, tenant_password_sealed)"
                          + " FROM toygres_cms.instances WHERE coalesce(superuser_password_sealed,"
                          + " tenant_password_sealed) IS NOT NULL ORDER BY created_at DESC LIMIT 1");
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
          }
        });
  }

  private static Optional<InstanceRecord> one(Connection c, String where, Object arg)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + CmsRows.INSTANCE_COLUMNS + " FROM toygres_cms.instances " + where)) {
      ps.setObject(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(CmsRows.instance(rs)) : Optional.empty();
      }
    }
  }

  /**
   * Moves the instance to {@code to} if it is in one of {@code from}, writing an event; sets the
   * matching timestamp (started/stopped/deleted). Returns the old state, or empty if the instance
   * was not in an allowed state (nothing written).
   */
  public Optional<InstanceState> transition(
      UUID id, EnumSet<InstanceState> from, InstanceState to, String message) {
    return Db.tx(ds, c -> transition(c, id, from, to, message));
  }

  /**
   * Moves the instance to deleting if it is in one of {@code from}, records {@code
   * deleteOrchestrationId} as its delete orchestration and runs {@code alsoInTx} (which starts that
   * orchestration), all in one transaction. Returns the old state, or empty if the instance was not
   * in an allowed state (nothing written, {@code alsoInTx} not run).
   */
  public Optional<InstanceState> startDeleting(
      UUID id,
      EnumSet<InstanceState> from,
      String deleteOrchestrationId,
      String message,
      SameTransaction alsoInTx) {
    return Db.tx(
        ds,
        c -> {
          Optional<InstanceState> old = transition(c, id, from, InstanceState.DELETING, message);
          if (old.isPresent()) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE toygres_cms.instances SET delete_orchestration_id = ? WHERE id = ?")) {
              ps.setString(1, deleteOrchestrationId);
              ps.setObject(2, id);
              ps.executeUpdate();
            }
            alsoInTx.run(c);
          }
          return old;
        });
  }

  private Optional<InstanceState> transition(
      Connection c, UUID id, EnumSet<InstanceState> from, InstanceState to, String message)
      throws SQLException {
    InstanceState old;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT state::text FROM toygres_cms.instances WHERE id = ? FOR UPDATE")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.<InstanceState>empty();
        }
        old = InstanceState.parse(rs.getString(1));
      }
    }
    if (!from.contains(old)) {
      return Optional.<InstanceState>empty();
    }
    String stamp =
        switch (to) {
          case RUNNING -> ", started_at = now()";
          case STOPPED ->
              ", stopped_at = now(), health_status = 'unknown', consecutive_failures = 0";
          case DELETED -> ", deleted_at = now(), pid = NULL";
          default -> "";
        };
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE toygres_cms.instances SET state = ?::toygres_cms.instance_state"
                + stamp
                + " WHERE id = ?")) {
      ps.setString(1, to.dbName());
      ps.setObject(2, id);
      ps.executeUpdate();
    }
    if (old != to) {
      events.append(c, id, "state_changed", old.dbName(), to.dbName(), message, "{}");
    }
    return Optional.of(old);
  }

  /** Records where the instance's server runs and the socket directory the control plane uses. */
  public void setServer(
      UUID id, String host, int port, String dataDir, String socketDir, Long pid) {
    update(
        id,
        "host = ?, port = ?, data_dir = ?, socket_dir = ?, pid = ?",
        host,
        port,
        dataDir,
        socketDir,
        pid);
  }

  /**
   * Seals the control plane's secrets of an instance unless it has some already (an instance made
   * before tenant isolation); returns the instance as it is afterwards.
   */
  public InstanceRecord sealControlSecrets(UUID id, String superuserSealed, String monitorSealed) {
    update(
        id,
        "superuser_password_sealed = coalesce(superuser_password_sealed, ?),"
            + " monitor_password_sealed = coalesce(monitor_password_sealed, ?)",
        superuserSealed,
        monitorSealed);
    return findById(id).orElseThrow(() -> new CmsException("instance " + id + " vanished", null));
  }

  /** Records that the instance runs with the current access model (roles, socket, OS user). */
  public void accessUpgraded(UUID id, String message) {
    Db.tx(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE toygres_cms.instances SET access_version = ? WHERE id = ? AND access_version < ?")) {
            ps.setInt(1, InstanceRecord.Access.CURRENT);
            ps.setObject(2, id);
            ps.setInt(3, InstanceRecord.Access.CURRENT);
            if (ps.executeUpdate() == 1) {
              events.append(c, id, "access_upgraded", null, null, message, "{}");
            }
          }
          return null;
        });
  }

  /** Forgets the password given at create (the instance runs; the tenant owns it now). */
  public void forgetTenantPassword(UUID id) {
    update(id, "tenant_password_sealed = NULL");
  }

  /** Instances in the middle of their lifecycle ({@code creating} or {@code deleting}), by name. */
  public List<InstanceRecord> listUnfinished() {
    return list("state IN ('creating', 'deleting')");
  }

  /** Instances recorded {@code running}, by name. */
  public List<InstanceRecord> listRunning() {
    return list("state = 'running'");
  }

  /**
   * The metadata database's clock ({@code now()}), against which every age is computed: the
   * timestamps stored here and in the engine's schema come from it.
   */
  public Instant databaseNow() {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT now()");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
          }
        });
  }

  /** Live instances made before tenant isolation, for their access upgrade. */
  public List<InstanceRecord> listNotUpgraded() {
    return list(
        "state IN ('running', 'stopped') AND access_version < " + InstanceRecord.Access.CURRENT);
  }

  private List<InstanceRecord> list(String where) {
    return Db.auto(
        ds,
        c -> {
          List<InstanceRecord> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT "
                          + CmsRows.INSTANCE_COLUMNS
                          + " FROM toygres_cms.instances WHERE "
                          + where
                          + " ORDER BY user_name");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(CmsRows.instance(rs));
            }
          }
          return out;
        });
  }

  public void setPid(UUID id, Long pid) {
    update(id, "pid = ?", pid);
  }

  public void setDeleteOrchestration(UUID id, String orchestrationId) {
    update(id, "delete_orchestration_id = ?", orchestrationId);
  }

  /**
   * Records {@code actorId} as the instance's actor and turns monitoring on, only if the recorded
   * actor is still {@code expected} (null for none). Returns whether it was recorded.
   */
  public boolean recordActor(UUID id, String expected, String actorId, String why) {
    return recordActor(id, expected, actorId, why, tx -> {});
  }

  /**
   * {@link #recordActor(UUID, String, String, String)}, and when the actor is recorded, {@code
   * alsoInTx} on the same transaction (starting the actor in the engine, which shares this
   * database): the record and that work commit together or not at all, in one commit. An exception
   * from {@code alsoInTx} rolls both back and is rethrown. {@code alsoInTx} must neither commit nor
   * roll back.
   */
  public boolean recordActor(
      UUID id, String expected, String actorId, String why, Consumer<Connection> alsoInTx) {
    return Db.tx(
        ds,
        c -> {
          int n;
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          UPDATE toygres_cms.instances SET instance_actor_orchestration_id = ?, monitoring_enabled = true
          WHERE id = ? AND instance_actor_orchestration_id IS NOT DISTINCT FROM ?""")) {
            ps.setString(1, actorId);
            ps.setObject(2, id);
            ps.setString(3, expected);
            n = ps.executeUpdate();
          }
          if (n == 1) {
            events.append(
                c,
                id,
                "actor_started",
                null,
                null,
                why,
                Db.json(
                    Map.of("actor_id", actorId, "previous_actor_id", String.valueOf(expected))));
            alsoInTx.accept(c);
          }
          return n == 1;
        });
  }

  /** Turns monitoring off (actor cancelled by an operator), with an event. */
  public void monitoringOff(UUID id, String actorId, String why) {
    Db.tx(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE toygres_cms.instances SET monitoring_enabled = false WHERE id = ?")) {
            ps.setObject(1, id);
            ps.executeUpdate();
          }
          events.append(
              c,
              id,
              "actor_cancelled",
              null,
              null,
              why,
              Db.json(Map.of("actor_id", String.valueOf(actorId))));
          return null;
        });
  }

  /** Appends an event on its own. */
  public void event(UUID id, String type, String message) {
    Db.tx(
        ds,
        c -> {
          events.append(c, id, type, null, null, message, "{}");
          return null;
        });
  }

  public List<InstanceEvent> events(UUID id, int limit) {
    return Db.auto(ds, c -> events.list(c, id, limit));
  }

  private void update(UUID id, String set, Object... args) {
    Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE toygres_cms.instances SET " + set + " WHERE id = ?")) {
            for (int i = 0; i < args.length; i++) {
              ps.setObject(i + 1, args[i]);
            }
            ps.setObject(args.length + 1, id);
            ps.executeUpdate();
          }
          return null;
        });
  }
}

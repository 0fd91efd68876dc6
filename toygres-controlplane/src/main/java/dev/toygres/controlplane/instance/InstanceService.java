package dev.toygres.controlplane.instance;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.StateConflictException;
import dev.toygres.controlplane.backup.RestoreResolver;
import dev.toygres.controlplane.cms.CmsException;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.HealthCheck;
import dev.toygres.controlplane.cms.HealthRecorder;
import dev.toygres.controlplane.cms.InstanceEvent;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.controlplane.cms.Members;
import dev.toygres.controlplane.cms.RecentCheck;
import dev.toygres.controlplane.dataplane.ControlRoles;
import dev.toygres.controlplane.dataplane.ControlSecrets;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.dataplane.Member;
import dev.toygres.controlplane.dataplane.ServerLog;
import dev.toygres.controlplane.failover.FailoverOrchestrations;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.controlplane.secret.SecretException;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.StartOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Instance operations behind the API: validate, record the intent in the CMS, start the
 * orchestration that carries it out, and return its id.
 */
public final class InstanceService implements InstanceOperations {
  private final CmsStore cms;
  private final HealthRecorder health;
  private final DataPlane dataPlane;
  private final SecretBox secrets;
  private final DurableClient engine;

  public InstanceService(
      CmsStore cms,
      HealthRecorder health,
      DataPlane dataPlane,
      SecretBox secrets,
      DurableClient engine) {
    this.cms = cms;
    this.health = health;
    this.dataPlane = dataPlane;
    this.secrets = secrets;
    this.engine = engine;
  }

  @Override
  public CreateResult create(CreateRequest req) {
    String name = InstanceRequests.name(req.name());
    String password = InstanceRequests.password(req.password());
    RestoreResolver.Resolved restore =
        req.restore() == null
            ? null
            : new RestoreResolver(cms, dataPlane)
                .resolve(req.restore().from(), req.restore().toTime(), req.restore().toLsn());
    int version =
        restore == null
            ? InstanceRequests.version(
                req.postgresVersion(), dataPlane.availableVersions(), dataPlane.defaultVersion())
            : InstanceRequests.restoredVersion(
                req.postgresVersion(), restore.majorVersion(), dataPlane.availableVersions());
    int storage = InstanceRequests.storage(req.storageSizeGb());
    String user = ControlRoles.tenantUser(req.user());
    int replicas = InstanceRequests.replicas(req.replicas());
    boolean synchronous = InstanceRequests.synchronous(req.synchronous(), replicas);
    ControlSecrets control = ControlSecrets.generate();
    UUID id = UUID.randomUUID();
    String k8sName = InstanceRequests.k8sName(name);
    String orchestrationId = "create-" + k8sName;
    // The intent and the orchestration that carries it out commit together (docs/actor.md):
    // a crash in between can no longer leave an instance creating with nothing to create it.
    cms.insert(
        new CmsStore.NewInstance(
            id,
            name,
            k8sName,
            Integer.toString(version),
            storage,
            user,
            secrets.encrypt(password),
            secrets.encrypt(control.superuserPassword()),
            secrets.encrypt(control.monitorPassword()),
            orchestrationId),
        tx -> {
          if (replicas > 0) {
            setReplication(tx, id, new Members.Replication(replicas, synchronous));
          }
          engine.start(
              tx,
              LifecycleOrchestrations.CREATE,
              orchestrationId,
              restore != null
                  ? new LifecycleOrchestrations.CreateInput(
                      id, k8sName, replicas, synchronous, restore.source())
                  : replicas > 0
                      ? new LifecycleOrchestrations.CreateInput(id, k8sName, replicas, synchronous)
                      : new LifecycleOrchestrations.CreateInput(id, k8sName));
        });
    if (restore != null) {
      cms.event(
          id,
          "restore_requested",
          "restore from backup "
              + restore.source().backupId()
              + " of instance '"
              + restore.sourceName()
              + "'");
    }
    return new CreateResult(name, k8sName, orchestrationId);
  }

  @Override
  public InstanceRecord get(String name) {
    return cms.findLiveByName(name).orElseThrow(() -> NotFoundException.named("instance", name));
  }

  @Override
  public List<InstanceRecord> list() {
    return cms.listLive();
  }

  /**
   * {@inheritDoc} Accepted for a running, stopped or failed instance, and for one still creating
   * whose create orchestration has ended (it will never finish); the transition to deleting, the
   * delete orchestration's id and its start commit together. Idempotent: for an instance already
   * deleting it answers with the id of the delete under way.
   */
  @Override
  public String delete(String name) {
    return delete(name, false);
  }

  /**
   * {@inheritDoc} With {@code deleteBackups} the choice is recorded in the transaction that starts
   * the delete, whose deprovision step then removes the backups and the archive too.
   */
  @Override
  public String delete(String name, boolean deleteBackups) {
    InstanceRecord r = get(name);
    if (r.state() == InstanceState.DELETING && r.deleteOrchestrationId() != null) {
      return r.deleteOrchestrationId();
    }
    boolean createEnded = r.state() == InstanceState.CREATING && createEnded(r);
    InstanceAction.DELETE.check(r, createEnded);
    EnumSet<InstanceState> from = EnumSet.copyOf(InstanceAction.DELETE.states());
    if (createEnded) {
      from.add(InstanceState.CREATING);
    }
    String id = deleteOrchestrationId(r);
    if (cms.startDeleting(
            r.id(),
            from,
            id,
            deleteBackups ? "delete requested, with its backups" : "delete requested",
            tx -> {
              if (deleteBackups) {
                deleteBackupsWithInstance(tx, r.id());
              }
              startDelete(engine, tx, id, r.id());
            })
        .isEmpty()) {
      InstanceRecord now = get(name);
      if (now.state() == InstanceState.DELETING && now.deleteOrchestrationId() != null) {
        return now.deleteOrchestrationId();
      }
      throw InstanceAction.DELETE.refusal(now);
    }
    return id;
  }

  /** The id of an instance's delete orchestration: one per instance, replaced if it ended. */
  static String deleteOrchestrationId(InstanceRecord r) {
    return r.deleteOrchestrationId() != null ? r.deleteOrchestrationId() : "delete-" + r.k8sName();
  }

  /** Starts the delete orchestration in {@code tx}, replacing an ended one under the same id. */
  static void startDelete(DurableClient engine, Connection tx, String id, UUID instanceId) {
    engine.start(
        tx,
        LifecycleOrchestrations.DELETE,
        id,
        instanceId,
        StartOptions.defaults().withIfExists(StartOptions.IfExists.REPLACE_IF_ENDED));
  }

  private boolean createEnded(InstanceRecord r) {
    return r.createOrchestrationId() == null
        || engine
            .getInstance(r.createOrchestrationId())
            .map(o -> o.status().isTerminal())
            .orElse(true);
  }

  @Override
  public String stop(String name) {
    return lifecycle(name, LifecycleOrchestrations.STOP, InstanceAction.STOP);
  }

  @Override
  public String start(String name) {
    return lifecycle(name, LifecycleOrchestrations.START, InstanceAction.START);
  }

  @Override
  public String restart(String name) {
    return lifecycle(name, LifecycleOrchestrations.RESTART, InstanceAction.RESTART);
  }

  private String lifecycle(String name, String orchestration, InstanceAction action) {
    InstanceRecord r = get(name);
    action.check(r);
    refuseDuringFailover(r, action.label());
    String id =
        action.label() + "-" + r.k8sName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    engine.start(orchestration, id, r.id());
    return id;
  }

  @Override
  public PasswordChange changePassword(String name, String password) {
    String checked = InstanceRequests.password(password);
    InstanceRecord r = get(name);
    InstanceAction.PASSWORD.check(r);
    InstanceRecord.Access a = r.access();
    ControlSecrets control;
    try {
      control =
          new ControlSecrets(
              secrets.decrypt(a.superuserPasswordSealed()),
              secrets.decrypt(a.monitorPasswordSealed()));
    } catch (SecretException e) {
      throw new SecretException("instance '" + name + "': " + e.getMessage(), e);
    }
    dataPlane.setTenantPassword(r.k8sName(), checked, control);
    cms.event(r.id(), "password_changed", "password of " + r.tenantUser() + " changed");
    return new PasswordChange(r.userName(), r.tenantUser(), "rotated");
  }

  @Override
  public List<HealthCheck> healthChecks(String name, int limit) {
    return health.list(get(name).id(), InstanceRequests.limit(limit));
  }

  @Override
  public Map<UUID, List<RecentCheck>> recentChecks(int perInstance) {
    return health.recent(perInstance);
  }

  @Override
  public List<InstanceEvent> events(String name, int limit) {
    return cms.events(get(name).id(), InstanceRequests.limit(limit));
  }

  private void deleteBackupsWithInstance(Connection tx, UUID id) {
    try {
      cms.backups().policies().deleteWithInstance(tx, id);
    } catch (SQLException e) {
      throw new CmsException("cannot record the delete of the backups of " + id + ": " + e, e);
    }
  }

  private void setReplication(Connection tx, UUID id, Members.Replication r) {
    try {
      cms.members().setReplication(tx, id, r);
    } catch (SQLException e) {
      throw new CmsException("cannot record the replication of instance " + id + ": " + e, e);
    }
  }

  @Override
  public String scale(String name, Integer replicas) {
    if (replicas == null) {
      throw new InvalidRequestException("replicas", "field 'replicas' is required");
    }
    int target = InstanceRequests.replicas(replicas);
    InstanceRecord r = get(name);
    if (r.state() != InstanceState.RUNNING) {
      throw new StateConflictException(
          r.userName(),
          r.state().dbName(),
          "scale",
          "instance '" + r.userName() + "' is " + r.state().dbName() + "; scale it while it runs");
    }
    refuseDuringFailover(r, "scale");
    String id = "scale-" + r.k8sName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    engine.start(ScaleOrchestration.NAME, id, new ScaleOrchestration.Input(r.id(), target));
    return id;
  }

  /** A stop, start, restart or scale waits until a failover or switchover of the instance ended. */
  private void refuseDuringFailover(InstanceRecord r, String operation) {
    Members.ReplicationState st = cms.members().state(r.id());
    if (st.operation() != null) {
      throw new StateConflictException(
          r.userName(),
          st.operation().equals("failover") ? "failing over" : "switching over",
          operation,
          "instance '"
              + r.userName()
              + "' is in a "
              + st.operation()
              + " ("
              + st.operationId()
              + "); "
              + operation
              + " it once that ended");
    }
  }

  @Override
  public String switchover(String name, String to) {
    InstanceRecord r = get(name);
    if (r.state() != InstanceState.RUNNING) {
      throw new StateConflictException(
          r.userName(),
          r.state().dbName(),
          "switchover",
          "instance '"
              + r.userName()
              + "' is "
              + r.state().dbName()
              + "; switch over while it runs");
    }
    if (cms.members().replication(r.id()).replicas() == 0) {
      throw new StateConflictException(
          r.userName(),
          "without standbys",
          "switchover",
          "instance '"
              + r.userName()
              + "' has no standby to switch over to; add one with toygres scale "
              + r.userName()
              + " --replicas 1");
    }
    List<Member> servers = dataPlane.members(r.k8sName(), control(r));
    Integer target = null;
    if (to != null && !to.isBlank()) {
      Member m =
          servers.stream()
              .filter(
                  s ->
                      s.name().equals(to.strip()) || String.valueOf(s.ordinal()).equals(to.strip()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new InvalidRequestException(
                          "to",
                          "instance '"
                              + r.userName()
                              + "' has no member '"
                              + to
                              + "'; its members: "
                              + servers.stream()
                                  .map(s -> s.ordinal() + " (" + s.name() + ", " + s.role() + ")")
                                  .toList()));
      if (m.role().equals(Member.PRIMARY)) {
        throw new InvalidRequestException(
            "to", "member '" + to + "' of instance '" + r.userName() + "' is already the primary");
      }
      if (!m.health().equals("healthy")) {
        throw new StateConflictException(
            r.userName(),
            "standby " + m.ordinal() + " " + m.health(),
            "switchover",
            "standby "
                + m.ordinal()
                + " of instance '"
                + r.userName()
                + "' is "
                + m.health()
                + "; switch over to a streaming standby");
      }
      target = m.ordinal();
    } else if (servers.stream()
        .noneMatch(s -> s.role().equals(Member.STANDBY) && s.health().equals("healthy"))) {
      throw new StateConflictException(
          r.userName(),
          "no streaming standby",
          "switchover",
          "instance '" + r.userName() + "' has no streaming standby to switch over to");
    }
    String id = "switchover-" + r.k8sName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    FailoverOrchestrations.SwitchoverInput input =
        new FailoverOrchestrations.SwitchoverInput(r.id(), target);
    Optional<String> busy =
        cms.members()
            .claimSwitchover(
                r.id(),
                id,
                (tx, claimed) ->
                    engine.start(tx, FailoverOrchestrations.SWITCHOVER, claimed, input));
    if (busy.isPresent()) {
      throw new StateConflictException(
          r.userName(),
          "failing over",
          "switchover",
          "instance '"
              + r.userName()
              + "' is in another failover or switchover ("
              + busy.get()
              + "); wait for it to end");
    }
    cms.event(
        r.id(),
        "switchover_requested",
        id
            + ": switch over to "
            + (target == null ? "the most advanced standby" : "standby " + target));
    return id;
  }

  @Override
  public List<Member> members(InstanceRecord r) {
    if (r.host() == null
        || r.access().superuserPasswordSealed() == null
        || r.access().monitorPasswordSealed() == null) {
      return List.of();
    }
    if (cms.members().list(r.id()).isEmpty()) {
      // No standbys: the primary as recorded, with the actor's last verdict, so a GET opens no
      // connection of the monitoring role (whose few connections the actor's probes need).
      return dataPlane
          .status(r.k8sName())
          .map(
              s ->
                  List.of(
                      new Member(
                          Member.PRIMARY,
                          r.k8sName(),
                          0,
                          s.host(),
                          s.port(),
                          s.pid(),
                          s.dataDir(),
                          null,
                          s.pid() == null
                              ? "stopped"
                              : r.healthStatus() == null ? "unknown" : r.healthStatus().dbName(),
                          null,
                          null,
                          null)))
          .orElse(List.of());
    }
    return dataPlane.members(r.k8sName(), control(r));
  }

  /** {@inheritDoc} Read from the data plane, whatever the instance's state. */
  @Override
  public List<ServerLog> logs(String name, int max, Map<Integer, Long> after) {
    return dataPlane.logs(get(name).k8sName(), max, after);
  }

  @Override
  public String maskedConnectionString(InstanceRecord r) {
    if (r.host() == null || r.port() == null) {
      return null;
    }
    List<Members.Row> rows = cms.members().list(r.id());
    if (rows.size() < 2) {
      return "postgresql://" + r.tenantUser() + ":****@" + r.host() + ":" + r.port() + "/postgres";
    }
    return multiHost(r, rows, "read-write");
  }

  @Override
  public String maskedReadOnlyConnectionString(InstanceRecord r) {
    if (r.host() == null || r.port() == null) {
      return null;
    }
    List<Members.Row> rows = cms.members().list(r.id());
    return rows.size() < 2 ? null : multiHost(r, rows, "prefer-standby");
  }

  /** Every recorded server, the one recorded as primary first. */
  private static String multiHost(InstanceRecord r, List<Members.Row> rows, String attrs) {
    String hosts =
        rows.stream()
            .filter(m -> m.port() != null)
            .sorted(
                (a, b) -> Boolean.compare(!a.role().equals("primary"), !b.role().equals("primary")))
            .map(m -> r.host() + ":" + m.port())
            .collect(java.util.stream.Collectors.joining(","));
    return "postgresql://"
        + r.tenantUser()
        + ":****@"
        + hosts
        + "/postgres?target_session_attrs="
        + attrs;
  }

  private ControlSecrets control(InstanceRecord r) {
    InstanceRecord.Access a = r.access();
    try {
      return new ControlSecrets(
          secrets.decrypt(a.superuserPasswordSealed()), secrets.decrypt(a.monitorPasswordSealed()));
    } catch (SecretException e) {
      throw new SecretException("instance '" + r.userName() + "': " + e.getMessage(), e);
    }
  }

  @Override
  public List<Integer> availableVersions() {
    return dataPlane.availableVersions();
  }
}

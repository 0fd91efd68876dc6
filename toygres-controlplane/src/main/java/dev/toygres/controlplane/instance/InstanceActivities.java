package dev.toygres.controlplane.instance;

import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.StateConflictException;
import dev.toygres.controlplane.actor.HealthProbe;
import dev.toygres.controlplane.actor.InstanceActor;
import dev.toygres.controlplane.backup.BackupPurge;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.controlplane.cms.ProbeResult;
import dev.toygres.controlplane.dataplane.ControlSecrets;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.dataplane.DataPlaneException;
import dev.toygres.controlplane.dataplane.ProvisionSpec;
import dev.toygres.controlplane.dataplane.RestoreSource;
import dev.toygres.controlplane.dataplane.ServerInfo;
import dev.toygres.controlplane.failover.MemberRecords;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.OrchestrationNotFoundException;
import dev.toygres.engine.client.OrchestrationNotRunningException;
import dev.toygres.engine.worker.Registry;
import java.util.EnumSet;
import java.util.UUID;

/**
 * The side effects of the lifecycle orchestrations. Each is idempotent (activities run at least
 * once): a transition accepts the state it moves to, provisioning returns an existing server.
 */
public final class InstanceActivities {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(InstanceActivities.class);

  static final String PROVISION = "toygres.instance.provision";
  static final String RESTORE = "toygres.instance.restore";
  static final String WAIT_READY = "toygres.instance.wait-ready";
  static final String MARK_RUNNING = "toygres.instance.mark-running";
  static final String FAIL = "toygres.instance.fail";
  static final String STOP_ACTOR = "toygres.instance.stop-actor";
  static final String DEPROVISION = "toygres.instance.deprovision";
  static final String MARK_DELETED = "toygres.instance.mark-deleted";
  static final String STOP_SERVER = "toygres.instance.stop-server";
  static final String START_SERVER = "toygres.instance.start-server";
  static final String UPGRADE_ACCESS = "toygres.instance.upgrade-access";
  static final String START_AFTER_BOOT_SERVER = "toygres.instance.start-after-boot";

  /** Server location as recorded (activity result). */
  public record Server(String host, int port, String dataDir, Long pid) {}

  /** Which instance became running, watched by which actor. */
  public record MarkRunning(UUID instanceId, String actorId) {}

  /** Which new instance to restore, from which backup, to which target. */
  public record Restore(UUID instanceId, RestoreSource source) {}

  /** Why a create failed. */
  public record Failure(UUID instanceId, String message) {}

  private final CmsStore cms;
  private final DataPlane dataPlane;
  private final SecretBox secrets;
  private final DurableClient engine;
  private final HealthProbe probe;
  private final ReplicaActivities replicas;

  public InstanceActivities(
      CmsStore cms,
      DataPlane dataPlane,
      SecretBox secrets,
      DurableClient engine,
      HealthProbe probe) {
    this.cms = cms;
    this.dataPlane = dataPlane;
    this.secrets = secrets;
    this.engine = engine;
    this.probe = probe;
    this.replicas = new ReplicaActivities(cms, dataPlane, secrets);
  }

  /** Registers every lifecycle activity. */
  public Registry.Builder register(Registry.Builder b) {
    replicas.register(b);
    return b.activity(PROVISION, UUID.class, (ctx, id) -> provision(id))
        .activity(RESTORE, Restore.class, (ctx, r) -> restore(r))
        .activity(WAIT_READY, UUID.class, (ctx, id) -> waitReady(id))
        .activity(MARK_RUNNING, MarkRunning.class, (ctx, m) -> markRunning(m))
        .activity(FAIL, Failure.class, (ctx, f) -> fail(f))
        .activity(STOP_ACTOR, UUID.class, (ctx, id) -> stopActor(id, "deleted"))
        .activity(DEPROVISION, UUID.class, (ctx, id) -> deprovision(id))
        .activity(MARK_DELETED, UUID.class, (ctx, id) -> markDeleted(id))
        .activity(STOP_SERVER, UUID.class, (ctx, id) -> stopServer(id))
        .activity(START_SERVER, UUID.class, (ctx, id) -> startServer(id))
        .activity(UPGRADE_ACCESS, UUID.class, (ctx, id) -> upgradeAccess(id))
        .activity(START_AFTER_BOOT_SERVER, UUID.class, (ctx, id) -> startAfterBoot(id));
  }

  private InstanceRecord load(UUID id) {
    return cms.findById(id)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "instance", id.toString(), "instance " + id + " is not in the CMS"));
  }

  Server provision(UUID id) {
    InstanceRecord r = load(id);
    ServerInfo s = dataPlane.provision(spec(r, "provision"));
    record(id, s);
    cms.event(
        id,
        "provisioned",
        "PostgreSQL "
            + s.postgresVersion()
            + " server on "
            + s.host()
            + ":"
            + s.port()
            + " (pid "
            + s.pid()
            + ")");
    return new Server(s.host(), s.port(), s.dataDir().toString(), s.pid());
  }

  /**
   * The provision step of a create that restores: the new instance's server is made from a base
   * backup and the archived WAL up to the target (see {@link DataPlane#restore}).
   */
  Server restore(Restore in) {
    InstanceRecord r = load(in.instanceId());
    ProvisionSpec spec = spec(r, "restore");
    RestoreSource src = in.source();
    String target =
        src.toTime() != null
            ? "to " + src.toTime()
            : src.toLsn() != null ? "to LSN " + src.toLsn() : "to the latest archived WAL";
    cms.event(
        r.id(),
        "restore_started",
        "restoring from backup " + src.backupId() + " of " + src.k8sName() + " " + target);
    archiveLatestOf(src.k8sName());
    ServerInfo s = dataPlane.restore(spec, src);
    record(r.id(), s);
    cms.event(
        r.id(),
        "restore_completed",
        "restored from backup "
            + src.backupId()
            + " "
            + target
            + ": PostgreSQL "
            + s.postgresVersion()
            + " server on "
            + s.host()
            + ":"
            + s.port()
            + " (pid "
            + s.pid()
            + ")");
    return new Server(s.host(), s.port(), s.dataDir().toString(), s.pid());
  }

  /**
   * Has the WAL that instance {@code k8sName} wrote so far archived (docs/backups.md#restore), when
   * it is live and its server runs; otherwise the archive has what it had (at most {@code
   * archive_timeout} behind). Best effort: a failure is logged, the caller goes on.
   */
  private void archiveLatestOf(String k8sName) {
    for (InstanceRecord source : cms.listLive()) {
      if (source.k8sName().equals(k8sName) && source.state() == InstanceState.RUNNING) {
        try {
          dataPlane.archiveWalNow(k8sName, MemberRecords.control(source, secrets));
        } catch (RuntimeException e) {
          LOG.warn("Cannot archive the latest WAL of '{}': {}", source.userName(), e.toString());
        }
      }
    }
  }

  private ProvisionSpec spec(InstanceRecord r, String operation) {
    if (r.state() != InstanceState.CREATING) {
      // A late attempt after the create was rolled back or deleted must not make a server again.
      throw new StateConflictException(
          r.userName(),
          r.state().dbName(),
          operation,
          "instance " + r.userName() + " is " + r.state().dbName() + ", not creating");
    }
    if (r.access().tenantPasswordSealed() == null) {
      throw new StateConflictException(
          r.userName(),
          r.state().dbName(),
          operation,
          "instance " + r.userName() + " has no password to provision with (it ran already)");
    }
    return new ProvisionSpec(
        r.k8sName(),
        Integer.parseInt(r.postgresVersion()),
        r.tenantUser(),
        secrets.decrypt(r.access().tenantPasswordSealed()),
        controlSecrets(r),
        r.storageSizeGb());
  }

  Void waitReady(UUID id) {
    InstanceRecord r = load(id);
    ProbeResult p =
        probe.probe(
            r.id(),
            r.access().socketDir(),
            r.port(),
            secrets.decrypt(r.access().monitorPasswordSealed()));
    if (p.status() != HealthStatus.HEALTHY) {
      throw new DataPlaneException(
          r.k8sName(),
          "wait until it accepts connections",
          "server "
              + r.host()
              + ":"
              + r.port()
              + " does not accept connections yet: "
              + p.errorMessage());
    }
    return null;
  }

  Void markRunning(MarkRunning m) {
    InstanceRecord r = load(m.instanceId());
    cms.transition(
            m.instanceId(),
            EnumSet.of(InstanceState.CREATING, InstanceState.RUNNING),
            InstanceState.RUNNING,
            "server accepts connections")
        .orElseThrow(
            () -> {
              String state = load(m.instanceId()).state().dbName();
              return new StateConflictException(
                  r.userName(),
                  state,
                  "mark running",
                  "instance " + r.userName() + " is " + state + ", not creating");
            });
    if (!m.actorId().equals(r.actorId())) {
      cms.recordActor(
          m.instanceId(), r.actorId(), m.actorId(), "actor started for the new instance");
    }
    cms.forgetTenantPassword(m.instanceId());
    return null;
  }

  Void fail(Failure f) {
    InstanceRecord r = load(f.instanceId());
    cms.transition(
        f.instanceId(),
        EnumSet.of(InstanceState.CREATING, InstanceState.FAILED),
        InstanceState.FAILED,
        "create failed: " + f.message());
    dataPlane.deprovision(r.k8sName());
    cms.setPid(f.instanceId(), null);
    cms.members().removeAll(f.instanceId());
    if (r.state() == InstanceState.CREATING) {
      cms.event(
          f.instanceId(), "create_rolled_back", "server and data of the failed create removed");
    }
    return null;
  }

  /**
   * Starts the server of an instance the CMS records as running when it does not run (after a host
   * or control-plane restart). Does nothing for any other state, or when the server runs.
   */
  Void startAfterBoot(UUID id) {
    InstanceRecord r = load(id);
    if (r.state() != InstanceState.RUNNING
        || dataPlane.status(r.k8sName()).map(s -> s.pid() != null).orElse(true)) {
      return null;
    }
    ServerInfo s = r.access().current() ? dataPlane.start(r.k8sName()) : upgrade(r);
    record(id, s);
    cms.event(
        id,
        "server_started_after_boot",
        "server started after a control-plane restart found it not running (pid " + s.pid() + ")");
    poke(r.actorId(), "started after boot");
    return null;
  }

  Void stopActor(UUID id, String why) {
    InstanceRecord r = load(id);
    if (r.actorId() == null) {
      return null;
    }
    try {
      engine.terminate(r.actorId(), "instance " + r.userName() + " " + why);
    } catch (OrchestrationNotFoundException | OrchestrationNotRunningException alreadyEnded) {
      // the actor is not running
    }
    return null;
  }

  Void deprovision(UUID id) {
    InstanceRecord r = load(id);
    if (!cms.backups().policies().deletesWithInstance(id)) {
      // Its backups outlive it: the WAL it wrote since its last segment switch goes too.
      archiveLatestOf(r.k8sName());
    }
    dataPlane.deprovision(r.k8sName());
    cms.members().removeAll(id);
    if (cms.backups().policies().deletesWithInstance(id)) {
      try {
        BackupPurge.purge(cms, dataPlane, id, r.k8sName(), "deleted with the instance");
      } catch (RuntimeException e) {
        // The delete goes on: the backup scheduler's next round purges them (docs/backups.md).
        cms.event(
            id,
            "backups_purge_deferred",
            "backups not removed yet (" + e.getMessage() + "); the backup scheduler will");
      }
    }
    return null;
  }

  Void markDeleted(UUID id) {
    cms.transition(
        id,
        EnumSet.of(InstanceState.DELETING, InstanceState.DELETED),
        InstanceState.DELETED,
        "server and data removed; the name is free");
    return null;
  }

  Void stopServer(UUID id) {
    InstanceRecord r = load(id);
    dataPlane.stop(r.k8sName());
    cms.setPid(id, null);
    cms.members().setAllStates(id, "stopped");
    cms.transition(
            id,
            EnumSet.of(InstanceState.RUNNING, InstanceState.STOPPED),
            InstanceState.STOPPED,
            "server stopped")
        .orElseThrow(() -> stateConflict(r, load(id), "stop"));
    poke(r.actorId(), "stopped");
    return null;
  }

  Server startServer(UUID id) {
    InstanceRecord r = load(id);
    ServerInfo s = r.access().current() ? dataPlane.start(r.k8sName()) : upgrade(r);
    record(id, s);
    replicas.recordMembers(r);
    cms.transition(
            id,
            EnumSet.of(InstanceState.STOPPED, InstanceState.RUNNING),
            InstanceState.RUNNING,
            "server started")
        .orElseThrow(() -> stateConflict(r, load(id), "start"));
    poke(r.actorId(), "started");
    return new Server(s.host(), s.port(), s.dataDir().toString(), s.pid());
  }

  /**
   * The access upgrade of an instance made before tenant isolation (see {@link
   * DataPlane#upgradeAccess}); nothing for one already upgraded or no longer running.
   */
  Void upgradeAccess(UUID id) {
    InstanceRecord r = load(id);
    if (!r.access().current() && r.state() == InstanceState.RUNNING) {
      record(id, upgrade(r));
      AccessUpgrades.wake(engine, r.actorId());
    }
    return null;
  }

  private ServerInfo upgrade(InstanceRecord r) {
    ServerInfo s = dataPlane.upgradeAccess(r.k8sName(), controlSecrets(r));
    cms.accessUpgraded(
        r.id(),
        "access upgraded: tenant role "
            + r.tenantUser()
            + " is no longer a superuser; the control plane has its own superuser and monitoring"
            + " role; the server runs as an unprivileged OS user with a clean environment");
    return s;
  }

  /** The control plane's secrets of the instance, sealed first if it has none yet. */
  private ControlSecrets controlSecrets(InstanceRecord r) {
    InstanceRecord.Access a = r.access();
    if (a.superuserPasswordSealed() == null || a.monitorPasswordSealed() == null) {
      ControlSecrets fresh = ControlSecrets.generate();
      a =
          cms.sealControlSecrets(
                  r.id(),
                  secrets.encrypt(fresh.superuserPassword()),
                  secrets.encrypt(fresh.monitorPassword()))
              .access();
    }
    return new ControlSecrets(
        secrets.decrypt(a.superuserPasswordSealed()), secrets.decrypt(a.monitorPasswordSealed()));
  }

  private static StateConflictException stateConflict(
      InstanceRecord r, InstanceRecord now, String operation) {
    return new StateConflictException(
        r.userName(),
        now.state().dbName(),
        operation,
        "instance " + r.userName() + " is " + now.state().dbName());
  }

  private void record(UUID id, ServerInfo s) {
    cms.setServer(
        id, s.host(), s.port(), s.dataDir().toString(), s.socketDir().toString(), s.pid());
  }

  private void poke(String actorId, String why) {
    if (actorId == null) {
      return;
    }
    try {
      engine.raiseEvent(actorId, InstanceActor.MESSAGE, why);
    } catch (OrchestrationNotFoundException | OrchestrationNotRunningException notListening) {
      // no running actor to wake
    }
  }
}

package dev.toygres.controlplane.instance;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.Members;
import dev.toygres.controlplane.dataplane.ControlSecrets;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.dataplane.Member;
import dev.toygres.controlplane.failover.MemberRecords;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.worker.Registry;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The side effects of making and removing an instance's streaming standbys (docs/replication.md).
 * Each is idempotent: making a standby that exists starts it, removing a missing one does nothing,
 * and each records the servers it changed in the CMS's members.
 */
final class ReplicaActivities {
  static final String ADD_STANDBY = "toygres.instance.add-standby";
  static final String REMOVE_STANDBY = "toygres.instance.remove-standby";
  static final String SET_SYNCHRONOUS = "toygres.instance.set-synchronous";
  static final String PLAN_SCALE = "toygres.instance.plan-scale";

  /** Standby {@code ordinal} of an instance. */
  record StandbyRef(UUID instanceId, int ordinal) {}

  /** Which standbys (by ordinal) commits wait for; empty for asynchronous replication. */
  record SyncInput(UUID instanceId, List<Integer> ordinals) {}

  /**
   * What a scale must do: standbys to make, to keep, to remove, all by ordinal, and whether commits
   * wait for one of the standbys that remain.
   */
  record ScalePlan(
      List<Integer> add, List<Integer> keep, List<Integer> remove, boolean synchronous) {}

  private final CmsStore cms;
  private final DataPlane dataPlane;
  private final SecretBox secrets;

  ReplicaActivities(CmsStore cms, DataPlane dataPlane, SecretBox secrets) {
    this.cms = cms;
    this.dataPlane = dataPlane;
    this.secrets = secrets;
  }

  Registry.Builder register(Registry.Builder b) {
    return b.activity(ADD_STANDBY, StandbyRef.class, (ctx, s) -> addStandby(s))
        .activity(REMOVE_STANDBY, StandbyRef.class, (ctx, s) -> removeStandby(s))
        .activity(SET_SYNCHRONOUS, SyncInput.class, (ctx, s) -> setSynchronous(s))
        .activity(PLAN_SCALE, ScaleOrchestration.Input.class, (ctx, in) -> planScale(in));
  }

  Void addStandby(StandbyRef s) {
    InstanceRecord r = load(s.instanceId());
    Member m = dataPlane.provisionStandby(r.k8sName(), s.ordinal(), control(r));
    record(r, dataPlane.members(r.k8sName(), control(r)));
    cms.event(
        r.id(),
        "standby_added",
        "standby "
            + s.ordinal()
            + " streams on "
            + m.host()
            + ":"
            + m.port()
            + " (pid "
            + m.pid()
            + ")");
    return null;
  }

  Void removeStandby(StandbyRef s) {
    InstanceRecord r = load(s.instanceId());
    dataPlane.removeStandby(r.k8sName(), s.ordinal(), control(r));
    cms.members().remove(r.id(), s.ordinal());
    cms.event(r.id(), "standby_removed", "standby " + s.ordinal() + " removed with its slot");
    return null;
  }

  Void setSynchronous(SyncInput s) {
    InstanceRecord r = load(s.instanceId());
    dataPlane.setSynchronous(r.k8sName(), s.ordinals(), control(r));
    cms.event(
        r.id(),
        "replication_mode",
        s.ordinals().isEmpty()
            ? "replication is asynchronous"
            : "every commit waits for one of standbys " + s.ordinals());
    return null;
  }

  /** Records the scale's target and compares it with the standbys the data plane has. */
  ScalePlan planScale(ScaleOrchestration.Input in) {
    InstanceRecord r = load(in.instanceId());
    Members.Replication now = cms.members().replication(r.id());
    boolean sync = now.synchronous() && in.replicas() > 0;
    cms.members().setReplication(r.id(), new Members.Replication(in.replicas(), sync));
    List<Member> servers = dataPlane.members(r.k8sName(), control(r));
    return plan(servers, in.replicas(), sync);
  }

  /**
   * Which standbys to keep, make and remove so that {@code replicas} remain: the standbys there are
   * (ordinal 0, a former primary, kept first, then by ordinal) are kept up to the count, the rest
   * removed; missing ones are made on the free ordinals, lowest first (the primary may sit on any
   * ordinal after a failover).
   */
  static ScalePlan plan(List<Member> servers, int replicas, boolean sync) {
    List<Integer> have =
        servers.stream()
            .filter(m -> m.role().equals(Member.STANDBY))
            .map(Member::ordinal)
            .sorted()
            .toList();
    List<Integer> used = servers.stream().map(Member::ordinal).toList();
    List<Integer> keep = new ArrayList<>(have.subList(0, Math.min(replicas, have.size())));
    List<Integer> remove = new ArrayList<>(have.subList(keep.size(), have.size()));
    List<Integer> add = new ArrayList<>();
    for (int i = 1; i <= DataPlane.MAX_REPLICAS && keep.size() + add.size() < replicas; i++) {
      if (!used.contains(i)) {
        add.add(i);
      }
    }
    if (keep.size() + add.size() < replicas && !used.contains(0)) {
      add.add(0);
    }
    return new ScalePlan(add, keep, remove, sync);
  }

  /** Records the instance's servers as the data plane sees them, if it has standbys. */
  void recordMembers(InstanceRecord r) {
    if (!cms.members().list(r.id()).isEmpty()) {
      record(r, dataPlane.members(r.k8sName(), control(r)));
    }
  }

  private void record(InstanceRecord r, List<Member> members) {
    MemberRecords.record(cms, r, members);
  }

  private InstanceRecord load(UUID id) {
    return MemberRecords.load(cms, id);
  }

  private ControlSecrets control(InstanceRecord r) {
    return MemberRecords.control(r, secrets);
  }
}

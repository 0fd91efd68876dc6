package dev.toygres.controlplane.failover;

import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.Members;
import dev.toygres.controlplane.dataplane.ControlSecrets;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.dataplane.Member;
import dev.toygres.controlplane.dataplane.ServerInfo;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.worker.Registry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The steps of a failover or switchover (docs/replication.md#failover), each an idempotent activity
 * that records what it did as an instance event: fence or cleanly stop the primary, choose the
 * standby to promote, wait for it to catch up, promote it, re-point the other standbys, rebuild the
 * former primary as a standby, and end the operation's claim.
 */
final class FailoverActivities {
  static final String FENCE = "toygres.failover.fence";
  static final String STOP_PRIMARY = "toygres.switchover.stop-primary";
  static final String CHOOSE = "toygres.failover.choose";
  static final String AWAIT_CATCH_UP = "toygres.switchover.await-catch-up";
  static final String PROMOTE = "toygres.failover.promote";
  static final String REPOINT = "toygres.failover.repoint";
  static final String REBUILD = "toygres.failover.rebuild";
  static final String UNFENCE = "toygres.failover.unfence";
  static final String RELEASE = "toygres.failover.release";

  /** How long a switchover waits for its standby to receive the primary's last WAL. */
  static final Duration CATCH_UP = Duration.ofSeconds(30);

  /** An instance, and why its primary is being fenced. */
  record FenceInput(UUID instanceId, String reason) {}

  /**
   * The primary that was fenced or stopped ({@code oldPrimary}, its ordinal), or {@code cancelled}
   * when a failover's primary answered again. {@code lsn}: a switchover's shutdown checkpoint.
   */
  record Fenced(boolean cancelled, int oldPrimary, long lsn) {}

  /** Choose among the standbys of an instance, or take {@code preferred} when it is ready. */
  record ChooseInput(UUID instanceId, int oldPrimary, Integer preferred) {}

  /**
   * The standby to promote ({@code ordinal}, null when none answers, {@code why} then says so), the
   * WAL position it had, the other standbys to re-point, and the servers commits wait for after the
   * promotion (empty: asynchronous).
   */
  record Choice(
      Integer ordinal,
      Long position,
      List<Integer> others,
      List<Integer> synchronous,
      String why) {}

  /** One server of an instance. */
  record ServerRef(UUID instanceId, int ordinal) {}

  /** Wait until standby {@code ordinal} has WAL past {@code lsn}. */
  record CatchUpInput(UUID instanceId, int ordinal, long lsn) {}

  /** Promote standby {@code ordinal}; commits then wait for one of {@code synchronous}. */
  record PromoteInput(UUID instanceId, int ordinal, List<Integer> synchronous) {}

  /** Lift the fence of the former primary, and start the instance again when {@code start}. */
  record UnfenceInput(UUID instanceId, int ordinal, boolean start) {}

  /**
   * End the claim of operation {@code operationId} ({@code kind} failover or switchover) with an
   * {@code outcome} (completed, cancelled, abandoned, failed) described by {@code message}.
   */
  record ReleaseInput(
      UUID instanceId, String operationId, String kind, String outcome, String message) {}

  private final CmsStore cms;
  private final DataPlane dataPlane;
  private final SecretBox secrets;
  private final MeterRegistry metrics;

  FailoverActivities(CmsStore cms, DataPlane dataPlane, SecretBox secrets, MeterRegistry metrics) {
    this.cms = cms;
    this.dataPlane = dataPlane;
    this.secrets = secrets;
    this.metrics = metrics;
  }

  Registry.Builder register(Registry.Builder b) {
    return b.activity(FENCE, FenceInput.class, (ctx, in) -> fence(in))
        .activity(STOP_PRIMARY, FenceInput.class, (ctx, in) -> stopPrimary(in))
        .activity(CHOOSE, ChooseInput.class, (ctx, in) -> choose(in))
        .activity(AWAIT_CATCH_UP, CatchUpInput.class, (ctx, in) -> awaitCatchUp(in))
        .activity(PROMOTE, PromoteInput.class, (ctx, in) -> promote(in))
        .activity(REPOINT, ServerRef.class, (ctx, in) -> repoint(in))
        .activity(REBUILD, ServerRef.class, (ctx, in) -> rebuild(in))
        .activity(UNFENCE, UnfenceInput.class, (ctx, in) -> unfence(in))
        .activity(RELEASE, ReleaseInput.class, (ctx, in) -> release(in));
  }

  /**
   * Fences the recorded primary unless it answers again (then the failover is cancelled). Run again
   * after a crash, it finds the primary fenced and not answering, and fences it again (a no-op).
   */
  Fenced fence(FenceInput in) {
    InstanceRecord r = load(in.instanceId());
    int primary = recordedPrimary(r);
    Optional<Member> now =
        dataPlane.members(r.k8sName(), control(r)).stream()
            .filter(m -> m.ordinal() == primary)
            .findFirst();
    if (now.isPresent()
        && now.get().role().equals(Member.PRIMARY)
        && now.get().health().equals("healthy")) {
      return new Fenced(true, primary, 0);
    }
    dataPlane.fence(r.k8sName(), primary);
    cms.event(
        r.id(),
        "primary_fenced",
        "primary (server "
            + primary
            + ") fenced: none of its processes runs and nothing starts it until it is rebuilt as a"
            + " standby; "
            + in.reason());
    return new Fenced(false, primary, 0);
  }

  /** Stops the recorded primary cleanly for a switchover; its shutdown checkpoint's LSN. */
  Fenced stopPrimary(FenceInput in) {
    InstanceRecord r = load(in.instanceId());
    int primary = recordedPrimary(r);
    long lsn = dataPlane.stopPrimaryCleanly(r.k8sName());
    cms.event(
        r.id(),
        "primary_stopped",
        "primary (server "
            + primary
            + ") stopped cleanly for the switchover; its WAL ends at "
            + lsn(lsn)
            + "; "
            + in.reason());
    return new Fenced(false, primary, lsn);
  }

  /**
   * The standby with the most WAL (received or replayed), the lowest ordinal on a tie, or {@code
   * preferred} when it answers. With synchronous replication, commits after the promotion wait for
   * one of every other server, the former primary included (it comes back as a standby).
   */
  Choice choose(ChooseInput in) {
    InstanceRecord r = load(in.instanceId());
    ControlSecrets control = control(r);
    Map<Integer, Long> positions = dataPlane.standbyPositions(r.k8sName(), control);
    positions.remove(in.oldPrimary());
    List<Member> servers = dataPlane.members(r.k8sName(), control);
    Integer chosen;
    if (in.preferred() != null) {
      chosen = positions.containsKey(in.preferred()) ? in.preferred() : null;
    } else {
      chosen =
          positions.entrySet().stream()
              .max(
                  Comparator.comparing(Map.Entry<Integer, Long>::getValue)
                      .thenComparing(e -> -e.getKey()))
              .map(Map.Entry::getKey)
              .orElse(null);
    }
    if (chosen == null) {
      String why =
          in.preferred() != null
              ? "standby " + in.preferred() + " does not answer"
              : "no standby answers";
      return new Choice(null, null, List.of(), List.of(), why);
    }
    List<Integer> others = new ArrayList<>();
    List<Integer> everyOther = new ArrayList<>();
    for (Member m : servers) {
      if (m.ordinal() != chosen) {
        everyOther.add(m.ordinal());
        if (m.ordinal() != in.oldPrimary()) {
          others.add(m.ordinal());
        }
      }
    }
    boolean sync = cms.members().replication(r.id()).synchronous();
    return new Choice(
        chosen,
        positions.get(chosen),
        others,
        sync ? everyOther : List.of(),
        "standby " + chosen + " has WAL up to " + lsn(positions.get(chosen)));
  }

  /** Whether standby {@code ordinal} received WAL past {@code lsn} within {@link #CATCH_UP}. */
  Boolean awaitCatchUp(CatchUpInput in) throws InterruptedException {
    InstanceRecord r = load(in.instanceId());
    ControlSecrets control = control(r);
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    while (true) {
      Long at = dataPlane.standbyPositions(r.k8sName(), control).get(in.ordinal());
      if (at != null && at > in.lsn()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(100);
    }
  }

  /** Promotes the chosen standby and records it as the instance's primary. */
  Void promote(PromoteInput in) {
    InstanceRecord r = load(in.instanceId());
    ControlSecrets control = control(r);
    long started = System.nanoTime();
    Member m = dataPlane.promote(r.k8sName(), in.ordinal(), in.synchronous(), control);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    ServerInfo s =
        dataPlane
            .status(r.k8sName())
            .orElseThrow(() -> new NotFoundException("instance", r.userName(), "not provisioned"));
    cms.setServer(
        r.id(), s.host(), s.port(), s.dataDir().toString(), s.socketDir().toString(), s.pid());
    MemberRecords.record(cms, r, dataPlane.members(r.k8sName(), control));
    cms.event(
        r.id(),
        "standby_promoted",
        "server "
            + in.ordinal()
            + " (port "
            + m.port()
            + ") promoted in "
            + tookMs
            + " ms: it is the primary now"
            + (m.timeline() == null ? "" : ", timeline " + m.timeline())
            + "; "
            + (in.synchronous().isEmpty()
                ? "replication is asynchronous"
                : "every commit waits for one of servers " + in.synchronous()));
    return null;
  }

  /** Points another standby at the new primary. */
  Void repoint(ServerRef in) {
    InstanceRecord r = load(in.instanceId());
    ControlSecrets control = control(r);
    dataPlane.repoint(r.k8sName(), in.ordinal(), control);
    MemberRecords.record(cms, r, dataPlane.members(r.k8sName(), control));
    cms.event(
        r.id(), "standby_repointed", "standby " + in.ordinal() + " streams from the new primary");
    return null;
  }

  /** Makes the former primary a standby of the new one, from a fresh copy. */
  Void rebuild(ServerRef in) {
    InstanceRecord r = load(in.instanceId());
    ControlSecrets control = control(r);
    long started = System.nanoTime();
    Member m = dataPlane.rebuildStandby(r.k8sName(), in.ordinal(), control);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    MemberRecords.record(cms, r, dataPlane.members(r.k8sName(), control));
    cms.event(
        r.id(),
        "standby_rebuilt",
        "server "
            + in.ordinal()
            + " (the former primary) is a standby of the new primary again, from a fresh copy"
            + " made in "
            + tookMs
            + " ms (port "
            + m.port()
            + ")");
    return null;
  }

  /** Lifts the former primary's fence (nothing was promoted), starting it when asked. */
  Void unfence(UnfenceInput in) {
    InstanceRecord r = load(in.instanceId());
    dataPlane.unfence(r.k8sName(), in.ordinal());
    if (in.start()) {
      ServerInfo s = dataPlane.start(r.k8sName());
      cms.setPid(r.id(), s.pid());
    }
    return null;
  }

  /** Ends the operation's claim, records how it ended, and counts it. */
  Void release(ReleaseInput in) {
    InstanceRecord r = load(in.instanceId());
    boolean failedOver = in.kind().equals("failover") && in.outcome().equals("completed");
    Optional<Duration> took = cms.members().release(r.id(), in.operationId(), failedOver);
    if (took.isEmpty()) {
      return null;
    }
    cms.event(
        r.id(),
        in.kind() + "_" + in.outcome(),
        in.message() + " (" + in.operationId() + ", " + took.get().toMillis() + " ms)");
    metrics
        .counter(
            "toygres_instance_failovers_total",
            "name",
            r.userName(),
            "kind",
            in.kind(),
            "outcome",
            in.outcome())
        .increment();
    return null;
  }

  /** The ordinal recorded as the primary in the CMS (0 when none is recorded). */
  private int recordedPrimary(InstanceRecord r) {
    return cms.members().list(r.id()).stream()
        .filter(m -> m.role().equals(Member.PRIMARY))
        .map(Members.Row::ordinal)
        .findFirst()
        .orElse(0);
  }

  private InstanceRecord load(UUID id) {
    return MemberRecords.load(cms, id);
  }

  private ControlSecrets control(InstanceRecord r) {
    return MemberRecords.control(r, secrets);
  }

  /** An LSN as PostgreSQL writes it ({@code 0/3000148}). */
  static String lsn(Long lsn) {
    return lsn == null
        ? "?"
        : Long.toHexString(lsn >>> 32).toUpperCase()
            + "/"
            + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
  }
}

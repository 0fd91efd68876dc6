package dev.toygres.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.cms.ArchiveStatus;
import dev.toygres.controlplane.cms.HealthCheck;
import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.InstanceEvent;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.RecentCheck;
import dev.toygres.controlplane.cms.WalArchive;
import dev.toygres.controlplane.dataplane.Member;
import java.time.Instant;
import java.util.List;

/**
 * What the instance routes send and receive, as records serialized in snake_case. None of them
 * carries a password, encrypted or not.
 */
final class InstanceViews {
  private InstanceViews() {}

  /**
   * Body of {@code POST /api/instances}; {@code postgresVersion} may be a string or a number;
   * {@code user} names the tenant's role (default postgres); {@code restore} makes it from a
   * backup.
   */
  record CreateBody(
      String name,
      String password,
      JsonNode postgresVersion,
      Integer storageSizeGb,
      String user,
      Integer replicas,
      Boolean synchronous,
      BackupViews.RestoreBody restore) {
    @Override
    public String toString() {
      return "CreateBody["
          + name
          + ", version "
          + postgresVersion
          + ", user "
          + user
          + ", replicas "
          + replicas
          + (restore != null ? ", " + restore : "")
          + "]";
    }
  }

  /** Body of {@code POST /api/instances/{name}/scale}. */
  record ScaleBody(Integer replicas) {}

  /** Body of {@code POST /api/instances/{name}/switchover} (optional): the member to promote. */
  record SwitchoverBody(String to) {}

  /**
   * One server of an instance in {@code GET /api/instances/{name}}: health, lag and timeline read
   * live from the servers.
   */
  record MemberView(
      String role,
      String name,
      String host,
      int port,
      Long pid,
      String health,
      Long lagBytes,
      Double lagSeconds,
      Integer timeline) {
    static MemberView of(Member m) {
      return new MemberView(
          m.role(),
          m.name(),
          m.host(),
          m.port(),
          m.pid(),
          m.health(),
          m.lagBytes(),
          m.lagSeconds(),
          m.timeline());
    }
  }

  /** Body of {@code POST /api/instances/{name}/password}. */
  record PasswordBody(String password) {
    @Override
    public String toString() {
      return "PasswordBody[****]";
    }
  }

  /** The id of the orchestration a lifecycle request started. */
  record OrchestrationRef(String orchestrationId) {}

  /** One of the newest checks in a line of {@code GET /api/instances} (its sparkline). */
  record RecentCheckView(Instant checkedAt, String status, Double responseTimeMs) {
    static RecentCheckView of(RecentCheck c) {
      return new RecentCheckView(c.checkedAt(), health(c.status()), c.responseTimeMs());
    }
  }

  /**
   * One line of {@code GET /api/instances}; {@code recentChecks} newest first, as {@code
   * /health-checks} lists them.
   */
  record Summary(
      String name,
      String k8sName,
      String state,
      String healthStatus,
      Instant lastHealthCheck,
      int consecutiveFailures,
      String postgresVersion,
      String instanceActorOrchestrationId,
      boolean monitoringEnabled,
      String host,
      Integer port,
      Instant createdAt,
      List<String> allowedActions,
      List<RecentCheckView> recentChecks) {
    static Summary of(InstanceRecord r, List<String> allowedActions, List<RecentCheck> recent) {
      return new Summary(
          r.userName(),
          r.k8sName(),
          r.state().dbName(),
          health(r.healthStatus()),
          r.lastHealthCheck(),
          r.consecutiveFailures(),
          r.postgresVersion(),
          r.actorId(),
          r.monitoringEnabled(),
          r.host(),
          r.port(),
          r.createdAt(),
          allowedActions,
          recent.stream().map(RecentCheckView::of).toList());
    }
  }

  /** The instance's actor: the engine's status of it; diagnosis and reason come from the doctor. */
  record Actor(String id, String status, String diagnosis, String reason) {}

  /** Where the server runs. */
  record DataPlane(String kind, String host, Integer port, String dataDir, Long pid) {}

  /**
   * The instance's WAL archiving, as its last health check read it from the primary
   * (docs/backups.md#the-archives-health): {@code status} {@code ok}, {@code lagging}, {@code
   * failing} or {@code none}; {@code lag_segments} finished segments not archived yet (null when it
   * cannot be told); {@code checked_at} when it was read (the instance's clock). All null but
   * {@code status none} before a check read it.
   */
  record ArchiveView(
      String lastArchivedWal,
      Instant lastArchivedAt,
      Long failedCount,
      String lastFailedWal,
      Instant lastFailedAt,
      Long lagSegments,
      String currentWal,
      Instant checkedAt,
      String status) {
    static ArchiveView of(WalArchive a) {
      if (a == null) {
        return new ArchiveView(
            null, null, null, null, null, null, null, null, ArchiveStatus.NONE.dbName());
      }
      return new ArchiveView(
          a.lastArchivedWal(),
          a.lastArchivedAt(),
          a.failedCount(),
          a.lastFailedWal(),
          a.lastFailedAt(),
          a.lagSegments(),
          a.currentWal(),
          a.observedAt(),
          a.status().dbName());
    }
  }

  /** {@code GET /api/instances/{name}}. */
  record Detail(
      String id,
      String name,
      String k8sName,
      String namespace,
      String state,
      String healthStatus,
      Instant lastHealthCheck,
      int consecutiveFailures,
      String instanceActorOrchestrationId,
      boolean monitoringEnabled,
      String postgresVersion,
      int storageSizeGb,
      String user,
      String createOrchestrationId,
      String deleteOrchestrationId,
      Instant createdAt,
      Instant updatedAt,
      Instant startedAt,
      Instant stoppedAt,
      Instant deletedAt,
      String connectionString,
      String readOnlyConnectionString,
      List<MemberView> members,
      Actor actor,
      DataPlane dataPlane,
      ArchiveView archive,
      List<String> allowedActions) {
    static Detail of(
        InstanceRecord r,
        String connectionString,
        String readOnlyConnectionString,
        List<Member> members,
        Finding actor,
        List<String> allowedActions) {
      return new Detail(
          r.id() == null ? null : r.id().toString(),
          r.userName(),
          r.k8sName(),
          r.namespace(),
          r.state().dbName(),
          health(r.healthStatus()),
          r.lastHealthCheck(),
          r.consecutiveFailures(),
          r.actorId(),
          r.monitoringEnabled(),
          r.postgresVersion(),
          r.storageSizeGb(),
          r.tenantUser(),
          r.createOrchestrationId(),
          r.deleteOrchestrationId(),
          r.createdAt(),
          r.updatedAt(),
          r.startedAt(),
          r.stoppedAt(),
          r.deletedAt(),
          connectionString,
          readOnlyConnectionString,
          members.stream().map(MemberView::of).toList(),
          new Actor(r.actorId(), actor.actorStatus(), actor.diagnosis().label(), actor.reason()),
          new DataPlane(r.dataPlane(), r.host(), r.port(), r.dataDir(), r.pid()),
          ArchiveView.of(r.archive()),
          allowedActions);
    }
  }

  /**
   * One row of {@code GET /api/instances/{name}/health-checks}; {@code members} is what the check
   * saw of every server of an instance with standbys ({@code [{ordinal, role, port, pid, health,
   * lag_bytes, lag_seconds, timeline}]}, primary first), null for one without.
   */
  record HealthCheckView(
      long id,
      String status,
      String postgresVersion,
      Double responseTimeMs,
      String errorMessage,
      JsonNode details,
      String actorId,
      Instant checkedAt,
      JsonNode members) {
    static HealthCheckView of(HealthCheck h) {
      return new HealthCheckView(
          h.id(),
          health(h.status()),
          h.postgresVersion(),
          h.responseTimeMs(),
          h.errorMessage(),
          ApiJson.parseStored(h.details()),
          h.actorId(),
          h.checkedAt(),
          storedMembers(h.members()));
    }
  }

  /** One row of {@code GET /api/instances/{name}/events}. */
  record EventView(
      long id,
      String eventType,
      String oldState,
      String newState,
      String message,
      JsonNode metadata,
      Instant createdAt) {
    static EventView of(InstanceEvent e) {
      return new EventView(
          e.id(),
          e.eventType(),
          e.oldState(),
          e.newState(),
          e.message(),
          ApiJson.parseStored(e.metadata()),
          e.createdAt());
    }
  }

  private static JsonNode storedMembers(String stored) {
    return stored == null ? null : ApiJson.parseStored(stored);
  }

  private static String health(HealthStatus s) {
    return s == null ? null : s.dbName();
  }
}

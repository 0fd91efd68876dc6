package dev.toygres.controlplane.cms;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of {@code toygres_cms.instances}. Secrets stay sealed here ({@link Access}).
 *
 * @param tenantUser the tenant's role on the instance (the user given at create)
 * @param replicas how many streaming standbys the instance should have ({@code
 *     toygres_cms.instance_replication}; 0 when none is recorded)
 * @param archive the WAL archiving the last health check read from the primary, or null when none
 *     has (docs/backups.md#the-archives-health)
 */
public record InstanceRecord(
    UUID id,
    String userName,
    String k8sName,
    String namespace,
    String postgresVersion,
    int storageSizeGb,
    InstanceState state,
    HealthStatus healthStatus,
    Instant lastHealthCheck,
    int consecutiveFailures,
    boolean monitoringEnabled,
    String createOrchestrationId,
    String deleteOrchestrationId,
    String actorId,
    String dataPlane,
    String host,
    Integer port,
    String tenantUser,
    Access access,
    String dataDir,
    Long pid,
    Instant createdAt,
    Instant updatedAt,
    Instant startedAt,
    Instant stoppedAt,
    Instant deletedAt,
    String tags,
    int replicas,
    WalArchive archive) {

  public InstanceRecord {
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must not be negative, was " + replicas);
    }
  }

  /** An instance without standbys. */
  public InstanceRecord(
      UUID id,
      String userName,
      String k8sName,
      String namespace,
      String postgresVersion,
      int storageSizeGb,
      InstanceState state,
      HealthStatus healthStatus,
      Instant lastHealthCheck,
      int consecutiveFailures,
      boolean monitoringEnabled,
      String createOrchestrationId,
      String deleteOrchestrationId,
      String actorId,
      String dataPlane,
      String host,
      Integer port,
      String tenantUser,
      Access access,
      String dataDir,
      Long pid,
      Instant createdAt,
      Instant updatedAt,
      Instant startedAt,
      Instant stoppedAt,
      Instant deletedAt,
      String tags) {
    this(
        id,
        userName,
        k8sName,
        namespace,
        postgresVersion,
        storageSizeGb,
        state,
        healthStatus,
        lastHealthCheck,
        consecutiveFailures,
        monitoringEnabled,
        createOrchestrationId,
        deleteOrchestrationId,
        actorId,
        dataPlane,
        host,
        port,
        tenantUser,
        access,
        dataDir,
        pid,
        createdAt,
        updatedAt,
        startedAt,
        stoppedAt,
        deletedAt,
        tags,
        0,
        null);
  }

  /** An instance whose WAL archiving no health check has read yet. */
  public InstanceRecord(
      UUID id,
      String userName,
      String k8sName,
      String namespace,
      String postgresVersion,
      int storageSizeGb,
      InstanceState state,
      HealthStatus healthStatus,
      Instant lastHealthCheck,
      int consecutiveFailures,
      boolean monitoringEnabled,
      String createOrchestrationId,
      String deleteOrchestrationId,
      String actorId,
      String dataPlane,
      String host,
      Integer port,
      String tenantUser,
      Access access,
      String dataDir,
      Long pid,
      Instant createdAt,
      Instant updatedAt,
      Instant startedAt,
      Instant stoppedAt,
      Instant deletedAt,
      String tags,
      int replicas) {
    this(
        id,
        userName,
        k8sName,
        namespace,
        postgresVersion,
        storageSizeGb,
        state,
        healthStatus,
        lastHealthCheck,
        consecutiveFailures,
        monitoringEnabled,
        createOrchestrationId,
        deleteOrchestrationId,
        actorId,
        dataPlane,
        host,
        port,
        tenantUser,
        access,
        dataDir,
        pid,
        createdAt,
        updatedAt,
        startedAt,
        stoppedAt,
        deletedAt,
        tags,
        replicas,
        null);
  }

  /** This record with {@code n} replicas. */
  public InstanceRecord withReplicas(int n) {
    return new InstanceRecord(
        id,
        userName,
        k8sName,
        namespace,
        postgresVersion,
        storageSizeGb,
        state,
        healthStatus,
        lastHealthCheck,
        consecutiveFailures,
        monitoringEnabled,
        createOrchestrationId,
        deleteOrchestrationId,
        actorId,
        dataPlane,
        host,
        port,
        tenantUser,
        access,
        dataDir,
        pid,
        createdAt,
        updatedAt,
        startedAt,
        stoppedAt,
        deletedAt,
        tags,
        n,
        archive);
  }

  /**
   * How the control plane reaches the instance, and the secrets it keeps sealed for it.
   *
   * @param version 0 for an instance made before tenant isolation (not yet upgraded), {@link
   *     #CURRENT} since
   * @param socketDir the Unix socket directory the control plane's roles connect through
   * @param tenantPasswordSealed the password given at create, until the instance runs (then null)
   * @param superuserPasswordSealed the control plane's superuser's password
   * @param monitorPasswordSealed the monitoring role's password
   */
  public record Access(
      int version,
      String socketDir,
      String tenantPasswordSealed,
      String superuserPasswordSealed,
      String monitorPasswordSealed) {
    /** The access model of this version of Toygres. */
    public static final int CURRENT = 1;

    /** Whether the instance runs with the current access model. */
    public boolean current() {
      return version >= CURRENT;
    }

    @Override
    public String toString() {
      return "Access[version " + version + ", socket " + socketDir + ", secrets ****]";
    }
  }
}

package dev.toygres.controlplane.cms;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of {@code toygres_cms.instances}. Secrets stay sealed here ({@link Access}).
 *
 * @param tenantUser the tenant's role on the instance (the user given at create)
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
    String tags) {

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

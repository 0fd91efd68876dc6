package dev.toygres.controlplane.instance;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.StateConflictException;
import dev.toygres.controlplane.cms.HealthCheck;
import dev.toygres.controlplane.cms.InstanceEvent;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.RecentCheck;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the API and CLI can do with instances. Names are the user's instance names. Errors are
 * {@link dev.toygres.controlplane.ToygresException}s: {@link InvalidRequestException} for invalid
 * input (nothing changed), {@link NotFoundException} for an unknown name, {@link
 * dev.toygres.controlplane.ConflictException} for a taken name and {@link StateConflictException}
 * for a state that does not allow the operation (the rules are {@link InstanceAction}'s).
 */
public interface InstanceOperations {

  /**
   * A create request as the user sent it; nulls take defaults. {@code user} names the tenant's role
   * (default {@code postgres}), which gets {@code password}. {@code replicas} (default 0) streaming
   * standbys are made; with {@code synchronous} (default false, needs a replica) every commit waits
   * for one of them.
   */
  record CreateRequest(
      String name,
      String password,
      String postgresVersion,
      Integer storageSizeGb,
      String user,
      Integer replicas,
      Boolean synchronous,
      RestoreRequest restore) {
    /** A request without replicas. */
    public CreateRequest(
        String name, String password, String postgresVersion, Integer storageSizeGb, String user) {
      this(name, password, postgresVersion, storageSizeGb, user, null, null, null);
    }

    /** A request for a new, empty instance. */
    public CreateRequest(
        String name,
        String password,
        String postgresVersion,
        Integer storageSizeGb,
        String user,
        Integer replicas,
        Boolean synchronous) {
      this(name, password, postgresVersion, storageSizeGb, user, replicas, synchronous, null);
    }

    @Override
    public String toString() {
      return "CreateRequest["
          + name
          + ", version "
          + postgresVersion
          + ", "
          + storageSizeGb
          + " GB, user "
          + user
          + ", replicas "
          + replicas
          + (Boolean.TRUE.equals(synchronous) ? " synchronous" : "")
          + (restore != null ? ", " + restore : "")
          + "]";
    }
  }

  /**
   * A create that restores (docs/backups.md): {@code from} a backup id or an instance name (live,
   * or deleted with backups left), to {@code toTime} (RFC 3339) or {@code toLsn}, at most one;
   * neither: the latest archived WAL.
   */
  record RestoreRequest(String from, String toTime, String toLsn) {}

  /** A rotated tenant password: which instance, which role. */
  record PasswordChange(String instanceName, String user, String status) {}

  /** The instance that is being created and the orchestration creating it. */
  record CreateResult(String instanceName, String k8sName, String orchestrationId) {}

  /** Validates, reserves the name and starts the create orchestration. */
  CreateResult create(CreateRequest request);

  /** The live (not deleted) instance with this name. */
  InstanceRecord get(String name);

  /** Every live instance, by name. */
  List<InstanceRecord> list();

  /** Starts deleting; returns the delete orchestration's id. {@link InstanceAction#DELETE}. */
  String delete(String name);

  /**
   * Starts deleting, and with {@code deleteBackups} has the delete remove the instance's backups
   * and WAL archive too (otherwise they are kept until its retention removes them).
   */
  default String delete(String name, boolean deleteBackups) {
    if (deleteBackups) {
      throw new UnsupportedOperationException("deleting backups with the instance");
    }
    return delete(name);
  }

  /** Stops the server; returns the orchestration's id. {@link InstanceAction#STOP}. */
  String stop(String name);

  /** Starts a stopped server; returns the orchestration's id. {@link InstanceAction#START}. */
  String start(String name);

  /** Restarts the server; returns the orchestration's id. {@link InstanceAction#RESTART}. */
  String restart(String name);

  /**
   * Sets the password of the instance's tenant role, through the control plane's superuser. {@link
   * InvalidRequestException} for an invalid password; {@link InstanceAction#PASSWORD}.
   */
  PasswordChange changePassword(String name, String password);

  /** Newest first, at most {@code limit} (1 to 1000). */
  List<HealthCheck> healthChecks(String name, int limit);

  /**
   * The newest {@code perInstance} health checks of every live instance, newest first, by instance
   * id (an instance without checks is absent); one query for the whole fleet.
   */
  Map<UUID, List<RecentCheck>> recentChecks(int perInstance);

  /** Newest first, at most {@code limit} (1 to 1000). */
  List<InstanceEvent> events(String name, int limit);

  /**
   * {@code postgresql://<tenant user>:****@host:port/postgres}, or null before the server has a
   * port. With standbys, every server is listed ({@code host1:port1,host2:port2}) with {@code
   * target_session_attrs=read-write}, so libpq connects to whichever takes writes.
   */
  String maskedConnectionString(InstanceRecord instance);

  /**
   * Makes or removes streaming standbys until the instance has {@code replicas} (0 to 5); returns
   * the scale orchestration's id. {@link InvalidRequestException} for a count out of range, {@link
   * StateConflictException} unless the instance runs.
   */
  String scale(String name, Integer replicas);

  /**
   * Makes a standby the primary in a planned, clean role change (no acknowledged write lost):
   * {@code to} names the member (its name or ordinal), or null for the most advanced standby;
   * returns the switchover orchestration's id. {@link InvalidRequestException} for an unknown
   * member or the primary itself, {@link StateConflictException} unless the instance runs with a
   * standby and no other operation.
   */
  String switchover(String name, String to);

  /**
   * The instance's servers, primary first, with their health, lag and timeline read now from the
   * servers (empty before it has a server).
   */
  List<dev.toygres.controlplane.dataplane.Member> members(InstanceRecord instance);

  /**
   * The end of the PostgreSQL log of each of the instance's servers, primary first (see {@link
   * dev.toygres.controlplane.dataplane.DataPlane#logs}): the last {@code max} lines of each, or
   * those written since the offsets in {@code after} (by ordinal). Empty before the instance has a
   * server. {@link NotFoundException} for an unknown name.
   */
  default List<dev.toygres.controlplane.dataplane.ServerLog> logs(
      String name, int max, Map<Integer, Long> after) {
    throw new UnsupportedOperationException("reading instance logs");
  }

  /**
   * With standbys, a libpq multi-host string over every server with {@code
   * target_session_attrs=prefer-standby}: it reaches a standby when one answers, else the primary;
   * null without standbys.
   */
  String maskedReadOnlyConnectionString(InstanceRecord instance);

  /** The major versions that can be created, newest first. */
  List<Integer> availableVersions();
}

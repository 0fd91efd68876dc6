package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.cms.InstanceRecord;
import java.util.List;
import java.util.Set;

/**
 * Operations on an instance's actor (SPEC section 3). Every start uses a fresh actor id; there is
 * never more than one running actor for an instance. 404 for an unknown instance, 409 when the
 * operation does not fit (start while one runs, cancel while none runs).
 */
public interface ActorOperations {

  /** The outcome of an actor operation; {@code previousActorId} only for restart. */
  record ActorResult(String instanceName, String actorId, String previousActorId, String status) {}

  /** Starts a new actor if none runs; 409 if one does. */
  ActorResult start(String name);

  /** Cancels the recorded actor if it runs and starts a new one. */
  ActorResult restart(String name);

  /** Cancels the recorded actor and turns monitoring off; 409 if none runs. */
  ActorResult cancel(String name);

  /**
   * The engine's status of the instance's recorded actor: {@code running}, {@code completed},
   * {@code failed}, {@code cancelled}, {@code missing} (no such orchestration) or {@code none} (no
   * actor recorded).
   */
  String actorStatus(InstanceRecord instance);

  /** The doctor's diagnosis of one instance's actor. */
  DoctorReport.Finding diagnose(InstanceRecord instance);

  /** The doctor's diagnosis of the whole fleet, with orphaned actors. */
  DoctorReport doctor();

  /**
   * Repairs the findings with one of {@code diagnoses} (SPEC section 3, recover) on behalf of the
   * API token named {@code tokenName} (named in instance events and the audit log); with {@code
   * dryRun}, only says what it would do. Safe to run twice and concurrently.
   */
  List<ActorRecovery.Result> recover(Set<Diagnosis> diagnoses, boolean dryRun, String tokenName);
}

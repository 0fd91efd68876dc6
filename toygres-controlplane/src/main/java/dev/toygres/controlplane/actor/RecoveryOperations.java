package dev.toygres.controlplane.actor;

import java.util.List;
import java.util.Set;

/** Repairs of what the doctor finds (docs/actor.md, recover). */
public interface RecoveryOperations {

  /**
   * Repairs the findings with one of {@code diagnoses} on behalf of {@code by} (named in instance
   * events and the audit log); with {@code dryRun}, only says what it would do. Returns one result
   * per finding, in the doctor's order. Safe to run twice and concurrently: an instance that
   * another recovery (or operation) gave a new actor since the diagnosis is {@code skipped}. A
   * diagnosis that needs no recovery ({@link Diagnosis#recoverable()}) is an {@link
   * dev.toygres.controlplane.InvalidRequestException}.
   */
  List<ActorRecovery.Result> recover(Set<Diagnosis> diagnoses, boolean dryRun, Initiator by);
}

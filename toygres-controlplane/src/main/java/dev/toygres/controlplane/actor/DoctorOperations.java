package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.cms.InstanceRecord;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The actor doctor's diagnoses (docs/actor.md), for one instance, a list, or the whole fleet. */
public interface DoctorOperations {

  /** The diagnosis of one instance's actor. */
  Finding diagnose(InstanceRecord instance);

  /**
   * The diagnosis of each instance's actor, by instance id; one engine query whatever the number of
   * instances.
   */
  Map<UUID, Finding> diagnose(List<InstanceRecord> instances);

  /** The diagnosis of the whole fleet, with orphaned actors. */
  DoctorReport diagnose();
}

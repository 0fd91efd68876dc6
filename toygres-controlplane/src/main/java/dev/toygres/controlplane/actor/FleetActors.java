package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.cms.InstanceRecord;
import java.util.List;
import java.util.Set;

/** The actor operations the API offers: one instance's actor, and the doctor for the fleet. */
public final class FleetActors implements ActorOperations {
  private final ActorService service;
  private final ActorDoctor doctor;
  private final ActorRecovery recovery;

  public FleetActors(ActorService service, ActorDoctor doctor, ActorRecovery recovery) {
    this.service = service;
    this.doctor = doctor;
    this.recovery = recovery;
  }

  @Override
  public ActorResult start(String name) {
    return service.start(name);
  }

  @Override
  public ActorResult restart(String name) {
    return service.restart(name);
  }

  @Override
  public ActorResult cancel(String name) {
    return service.cancel(name);
  }

  @Override
  public String actorStatus(InstanceRecord instance) {
    return service.actorStatus(instance);
  }

  @Override
  public DoctorReport.Finding diagnose(InstanceRecord instance) {
    return doctor.diagnose(instance);
  }

  @Override
  public DoctorReport doctor() {
    return doctor.diagnose();
  }

  @Override
  public List<ActorRecovery.Result> recover(
      Set<Diagnosis> diagnoses, boolean dryRun, String tokenName) {
    return recovery.recover(diagnoses, dryRun, Initiator.token(tokenName));
  }
}

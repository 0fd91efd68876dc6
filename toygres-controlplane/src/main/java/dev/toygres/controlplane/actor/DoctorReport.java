package dev.toygres.controlplane.actor;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The doctor's findings for the whole fleet at one moment. */
public record DoctorReport(Instant at, List<Finding> findings) {

  /**
   * One instance's actor, or one orphaned actor ({@code instanceId} and state may be null when its
   * instance is gone).
   */
  public record Finding(
      UUID instanceId,
      String instanceName,
      String k8sName,
      String state,
      String actorId,
      String actorStatus,
      Instant lastHealthCheck,
      Instant actorProgressAt,
      Diagnosis diagnosis,
      String reason) {}

  public DoctorReport {
    findings = List.copyOf(findings);
  }

  /** The findings with one of these diagnoses (all when empty). */
  public List<Finding> only(Set<Diagnosis> wanted) {
    return wanted.isEmpty()
        ? findings
        : findings.stream().filter(f -> wanted.contains(f.diagnosis())).toList();
  }

  /** How many findings of each diagnosis, every diagnosis listed. */
  public Map<Diagnosis, Integer> counts() {
    Map<Diagnosis, Integer> c = new EnumMap<>(Diagnosis.class);
    for (Diagnosis d : Diagnosis.values()) {
      c.put(d, 0);
    }
    findings.forEach(f -> c.merge(f.diagnosis(), 1, Integer::sum));
    return c;
  }
}

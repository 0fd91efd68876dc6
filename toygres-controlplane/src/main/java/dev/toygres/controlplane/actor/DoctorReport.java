package dev.toygres.controlplane.actor;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The doctor's findings for the whole fleet at one moment ({@code at}: the metadata database's
 * clock), with the control plane's own singleton orchestrations (the supervisor, the pruner).
 */
public record DoctorReport(Instant at, List<Finding> findings, List<Singleton> singletons) {

  /**
   * One of the control plane's own singleton orchestrations.
   *
   * @param name what it is, e.g. {@code actor-supervisor}
   * @param orchestrationId its fixed orchestration instance id
   * @param status the engine's status ({@code running}, {@code cancelled}, ...), or {@code missing}
   * @param lastProgress when its history last advanced (a round committed), or null
   * @param ageSeconds seconds from {@code lastProgress} to the report's time; negative when the
   *     timestamp lies in the future (clocks disagree), null when there is none
   * @param healthy running, with progress within its expected quiet time, and not in the future
   * @param reason why it is or is not healthy, for a person
   */
  public record Singleton(
      String name,
      String orchestrationId,
      String status,
      Instant lastProgress,
      Double ageSeconds,
      boolean healthy,
      String reason) {}

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
    singletons = List.copyOf(singletons);
  }

  /** A report without singletons (a doctor that watches none). */
  public DoctorReport(Instant at, List<Finding> findings) {
    this(at, findings, List.of());
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

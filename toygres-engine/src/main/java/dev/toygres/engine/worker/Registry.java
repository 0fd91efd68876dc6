package dev.toygres.engine.worker;

import dev.toygres.engine.activity.Activity;
import dev.toygres.engine.orchestration.Orchestration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The orchestrations (by name and version) and activities (by name) a worker can run. Immutable;
 * built with {@link #builder()}. Versions compare by their dot-separated numeric parts ("1.10" is
 * newer than "1.9").
 */
public final class Registry {
  /** Orders version strings by their numeric parts, then as text. */
  public static final Comparator<String> VERSION_ORDER = Registry::compareVersions;

  /** One registered orchestration version. */
  public record OrchestrationEntry(
      String name, String version, Class<?> inputType, Orchestration<Object, Object> code) {}

  /** One registered activity. */
  public record ActivityEntry(String name, Class<?> inputType, Activity<Object, Object> code) {}

  private final Map<String, NavigableMap<String, OrchestrationEntry>> orchestrations;
  private final Map<String, ActivityEntry> activities;

  private Registry(Builder b) {
    Map<String, NavigableMap<String, OrchestrationEntry>> o = new HashMap<>();
    b.orchestrations.forEach(
        (k, v) -> {
          TreeMap<String, OrchestrationEntry> sorted = new TreeMap<>(VERSION_ORDER);
          sorted.putAll(v);
          o.put(k, sorted);
        });
    this.orchestrations = Map.copyOf(o);
    this.activities = Map.copyOf(b.activities);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The given version of an orchestration, or empty if not registered. */
  public Optional<OrchestrationEntry> orchestration(String name, String version) {
    NavigableMap<String, OrchestrationEntry> versions = orchestrations.get(name);
    return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(version));
  }

  /** The newest registered version of an orchestration. */
  public Optional<String> latestVersion(String name) {
    NavigableMap<String, OrchestrationEntry> versions = orchestrations.get(name);
    return versions == null || versions.isEmpty()
        ? Optional.empty()
        : Optional.of(versions.lastKey());
  }

  /** The oldest registered version of an orchestration. */
  public Optional<String> oldestVersion(String name) {
    NavigableMap<String, OrchestrationEntry> versions = orchestrations.get(name);
    return versions == null || versions.isEmpty()
        ? Optional.empty()
        : Optional.of(versions.firstKey());
  }

  /** Registered versions of an orchestration, oldest first (for error messages). */
  public String versionsOf(String name) {
    NavigableMap<String, OrchestrationEntry> versions = orchestrations.get(name);
    return versions == null ? "none" : String.join(", ", versions.keySet());
  }

  public Optional<ActivityEntry> activity(String name) {
    return Optional.ofNullable(activities.get(name));
  }

  static int compareVersions(String a, String b) {
    String[] pa = a.split("\\.");
    String[] pb = b.split("\\.");
    for (int i = 0; i < Math.max(pa.length, pb.length); i++) {
      String x = i < pa.length ? pa[i] : "0";
      String y = i < pb.length ? pb[i] : "0";
      int c;
      if (x.matches("\\d{1,9}") && y.matches("\\d{1,9}")) {
        c = Integer.compare(Integer.parseInt(x), Integer.parseInt(y));
      } else {
        c = x.compareTo(y);
      }
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** Collects registrations; names must be unique (per version for orchestrations). */
  public static final class Builder {
    private final Map<String, Map<String, OrchestrationEntry>> orchestrations = new HashMap<>();
    private final Map<String, ActivityEntry> activities = new HashMap<>();

    private Builder() {}

    /** Registers version "1" of an orchestration. */
    public <I, O> Builder orchestration(String name, Class<I> inputType, Orchestration<I, O> code) {
      return orchestration(name, "1", inputType, code);
    }

    @SuppressWarnings("unchecked")
    public <I, O> Builder orchestration(
        String name, String version, Class<I> inputType, Orchestration<I, O> code) {
      checkName(name, "orchestration");
      checkName(version, "version");
      Objects.requireNonNull(inputType, "inputType");
      Objects.requireNonNull(code, "code");
      Map<String, OrchestrationEntry> versions =
          orchestrations.computeIfAbsent(name, k -> new TreeMap<>(VERSION_ORDER));
      if (versions.containsKey(version)) {
        throw new IllegalArgumentException(
            "orchestration '" + name + "' version '" + version + "' is registered twice");
      }
      versions.put(
          version,
          new OrchestrationEntry(name, version, inputType, (Orchestration<Object, Object>) code));
      return this;
    }

    @SuppressWarnings("unchecked")
    public <I, O> Builder activity(String name, Class<I> inputType, Activity<I, O> code) {
      checkName(name, "activity");
      Objects.requireNonNull(inputType, "inputType");
      Objects.requireNonNull(code, "code");
      if (activities.containsKey(name)) {
        throw new IllegalArgumentException("activity '" + name + "' is registered twice");
      }
      activities.put(name, new ActivityEntry(name, inputType, (Activity<Object, Object>) code));
      return this;
    }

    public Registry build() {
      return new Registry(this);
    }

    private static void checkName(String name, String what) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException(what + " name must not be blank");
      }
    }
  }
}

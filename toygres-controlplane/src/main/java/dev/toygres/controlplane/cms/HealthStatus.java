package dev.toygres.controlplane.cms;

import java.util.Locale;

/** Health of an instance as its actor last saw it. */
public enum HealthStatus {
  HEALTHY,
  UNHEALTHY,
  UNKNOWN;

  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static HealthStatus parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}

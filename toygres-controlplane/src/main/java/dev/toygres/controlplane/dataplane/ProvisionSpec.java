package dev.toygres.controlplane.dataplane;

import java.util.Objects;

/**
 * What to provision: a server named {@code k8sName} (unique, [a-z0-9-]), PostgreSQL major version
 * {@code majorVersion}, superuser {@code adminUser} with {@code password}.
 */
public record ProvisionSpec(
    String k8sName, int majorVersion, String adminUser, String password, int storageSizeGb) {
  public ProvisionSpec {
    Objects.requireNonNull(k8sName, "k8sName");
    Objects.requireNonNull(adminUser, "adminUser");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "ProvisionSpec["
        + k8sName
        + ", PostgreSQL "
        + majorVersion
        + ", user "
        + adminUser
        + "]";
  }
}

package dev.toygres.controlplane.dataplane;

import java.util.Objects;

/**
 * What to provision: a server named {@code k8sName} (unique, [a-z0-9-]) running PostgreSQL {@code
 * majorVersion}, where the tenant logs in as {@code tenantUser} with {@code tenantPassword} and the
 * control plane keeps its own roles with {@code secrets}.
 */
public record ProvisionSpec(
    String k8sName,
    int majorVersion,
    String tenantUser,
    String tenantPassword,
    ControlSecrets secrets,
    int storageSizeGb) {
  public ProvisionSpec {
    Objects.requireNonNull(k8sName, "k8sName");
    Objects.requireNonNull(tenantUser, "tenantUser");
    Objects.requireNonNull(tenantPassword, "tenantPassword");
    Objects.requireNonNull(secrets, "secrets");
  }

  @Override
  public String toString() {
    return "ProvisionSpec["
        + k8sName
        + ", PostgreSQL "
        + majorVersion
        + ", user "
        + tenantUser
        + "]";
  }
}

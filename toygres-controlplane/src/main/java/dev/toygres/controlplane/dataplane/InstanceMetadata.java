package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.ConflictException;

/**
 * What {@code instance.json} records about a local instance, so that a later control-plane process
 * can start and report it.
 *
 * @param name the instance's k8s name (its directory name)
 * @param majorVersion the PostgreSQL major version it was initialized with
 * @param port the TCP port on 127.0.0.1 reserved for it
 * @param adminUser the bootstrap superuser's name (the control plane's superuser since tenant
 *     isolation; the tenant's own role before it)
 * @param initialized true once initdb and the first start succeeded; a directory without it is a
 *     provisioning attempt that did not finish and holds no user data
 * @param createdAt when the port was reserved (ISO-8601)
 * @param tenantUser the tenant's role (null in files written before tenant isolation, where it was
 *     {@code adminUser})
 * @param accessVersion 0 for an instance made before tenant isolation, {@link #ACCESS_VERSION} once
 *     it runs with the control plane's roles, its socket and its OS user
 */
record InstanceMetadata(
    String name,
    int majorVersion,
    int port,
    String adminUser,
    boolean initialized,
    String createdAt,
    String tenantUser,
    int accessVersion) {

  static final int ACCESS_VERSION = 1;

  /** A copy with {@code initialized} set. */
  InstanceMetadata asInitialized() {
    return new InstanceMetadata(
        name, majorVersion, port, adminUser, true, createdAt, tenantUser, accessVersion);
  }

  /** A copy after the access upgrade: the control plane's superuser, the tenant's own role. */
  InstanceMetadata asUpgraded(String tenant) {
    return new InstanceMetadata(
        name,
        majorVersion,
        port,
        ControlRoles.SUPERUSER,
        initialized,
        createdAt,
        tenant,
        ACCESS_VERSION);
  }

  /** Whether the instance runs with the control plane's roles, socket and OS user. */
  boolean upgraded() {
    return accessVersion >= ACCESS_VERSION;
  }

  /** The tenant's role. */
  String tenant() {
    return tenantUser != null ? tenantUser : adminUser;
  }

  /**
   * Returns this if {@code spec} asks for the same version and tenant user.
   *
   * @throws ConflictException if it asks for another
   */
  InstanceMetadata requireMatches(ProvisionSpec spec) {
    if (majorVersion != spec.majorVersion() || !tenant().equals(spec.tenantUser())) {
      throw new ConflictException(
          "Instance '"
              + name
              + "' already exists with PostgreSQL "
              + majorVersion
              + " and user "
              + tenant()
              + "; cannot provision it as "
              + spec);
    }
    return this;
  }
}

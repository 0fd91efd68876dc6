package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.ToygresException;

/**
 * What {@code instance.json} records about a local instance, so that a later control-plane process
 * can start and report it.
 *
 * @param name the instance's k8s name (its directory name)
 * @param majorVersion the PostgreSQL major version it was initialized with
 * @param port the TCP port on 127.0.0.1 reserved for it
 * @param adminUser the superuser created by initdb
 * @param initialized true once initdb and the first start succeeded; a directory without it is a
 *     provisioning attempt that did not finish and holds no user data
 * @param createdAt when the port was reserved (ISO-8601)
 */
record InstanceMetadata(
    String name,
    int majorVersion,
    int port,
    String adminUser,
    boolean initialized,
    String createdAt) {

  /** A copy with {@code initialized} set. */
  InstanceMetadata asInitialized() {
    return new InstanceMetadata(name, majorVersion, port, adminUser, true, createdAt);
  }

  /**
   * Returns this if {@code spec} asks for the same version and admin user.
   *
   * @throws ToygresException 409 if it asks for another
   */
  InstanceMetadata requireMatches(ProvisionSpec spec) {
    if (majorVersion != spec.majorVersion() || !adminUser.equals(spec.adminUser())) {
      throw ToygresException.conflict(
          "Instance '"
              + name
              + "' already exists with PostgreSQL "
              + majorVersion
              + " and admin user "
              + adminUser
              + "; cannot provision it as "
              + spec);
    }
    return this;
  }
}

package dev.toygres.controlplane.dataplane;

/**
 * One PostgreSQL server of a local instance: ordinal 0 lives in the instance directory itself
 * ({@code instance.json}, {@code pgdata/}), ordinal {@code n} in {@code standby-n/}. Which one is
 * the primary is recorded in {@link ServerRoles}, not implied by the ordinal.
 *
 * @param ordinal 0 for the instance directory's own server, {@code n} for {@code standby-n}
 * @param dir its directory
 * @param metadata its {@code instance.json} (its name, which names its socket directory, and port)
 */
record Server(int ordinal, InstanceDir dir, InstanceMetadata metadata) {

  /** The server's name: {@code <k8sName>} for ordinal 0, {@code <k8sName>-s<n>} for the others. */
  String name() {
    return metadata.name();
  }

  /** Its replication slot on the primary, and its {@code application_name}, as a standby. */
  String slot() {
    return Standbys.slot(ordinal);
  }
}

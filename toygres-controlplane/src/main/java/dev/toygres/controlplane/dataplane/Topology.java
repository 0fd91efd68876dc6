package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The servers of one local instance and their roles, read once: ordinal 0 (the instance directory)
 * and every provisioned {@code standby-n}, with {@link ServerRoles}. Read under the instance's lock
 * when acting on it.
 *
 * @param dir the instance directory
 * @param roles the recorded roles
 * @param servers every server, by ordinal (ordinal 0 included even when removed)
 */
record Topology(InstanceDir dir, ServerRoles roles, List<Server> servers) {

  /** Reads the topology of the provisioned instance {@code dir} whose metadata is {@code meta}. */
  static Topology read(InstanceDir dir, InstanceMetadata meta) {
    List<Server> all = new ArrayList<>();
    all.add(new Server(0, dir, meta));
    all.addAll(Standbys.list(dir));
    return new Topology(dir, ServerRoles.read(dir), List.copyOf(all));
  }

  /** The current primary. */
  Server primary() {
    return server(roles.primary())
        .orElseThrow(
            () ->
                new DataPlaneException(
                    dir.path().getFileName().toString(),
                    "read its roles",
                    "The recorded primary, server "
                        + roles.primary()
                        + ", does not exist in "
                        + dir.path()));
  }

  /** Server {@code ordinal}, if provisioned. */
  Optional<Server> server(int ordinal) {
    return servers.stream().filter(s -> s.ordinal() == ordinal).findFirst();
  }

  /** Server {@code ordinal}, which must exist and not have been removed. */
  Server require(int ordinal) {
    return server(ordinal)
        .filter(s -> !roles.isRemoved(ordinal))
        .orElseThrow(
            () ->
                new InvalidRequestException(
                    "ordinal",
                    "Instance '"
                        + dir.path().getFileName()
                        + "' has no server "
                        + ordinal
                        + " (a standby that was never made or was removed)"));
  }

  /** Every server but the primary and removed ones, by ordinal. */
  List<Server> others() {
    return servers.stream()
        .filter(s -> s.ordinal() != roles.primary() && !roles.isRemoved(s.ordinal()))
        .toList();
  }

  boolean isPrimary(int ordinal) {
    return roles.primary() == ordinal;
  }

  boolean isFenced(int ordinal) {
    return roles.isFenced(ordinal);
  }
}

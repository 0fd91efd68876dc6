package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.postgres.PostgresInstallation;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The PostgreSQL major versions a local data plane can run: one installation per major version (the
 * first one listed wins, so Maven-delivered binaries beat system ones), newest first.
 */
final class VersionCatalog {

  /** The preferred default major version (the Maven-delivered one). */
  static final int PREFERRED_DEFAULT = 18;

  private final Map<Integer, PostgresInstallation> byMajor = new LinkedHashMap<>();
  private final List<Integer> versions;
  private final int defaultVersion;

  VersionCatalog(List<PostgresInstallation> installations) {
    if (installations.isEmpty()) {
      throw new DataPlaneException(
          null,
          "find PostgreSQL",
          "No PostgreSQL installation found: neither the Maven-delivered binaries nor a system "
              + "installation (/usr/lib/postgresql/N/bin or pg_config on the PATH) are available");
    }
    installations.forEach(i -> byMajor.putIfAbsent(i.majorVersion(), i));
    versions = byMajor.keySet().stream().sorted(Comparator.reverseOrder()).toList();
    defaultVersion = byMajor.containsKey(PREFERRED_DEFAULT) ? PREFERRED_DEFAULT : versions.get(0);
  }

  List<Integer> versions() {
    return versions;
  }

  int defaultVersion() {
    return defaultVersion;
  }

  Optional<PostgresInstallation> find(int major) {
    return Optional.ofNullable(byMajor.get(major));
  }

  /**
   * The installation for a requested version.
   *
   * @throws InvalidRequestException naming the available versions if there is none
   */
  PostgresInstallation require(int major) {
    return find(major)
        .orElseThrow(
            () ->
                new InvalidRequestException(
                    "postgres_version",
                    "PostgreSQL "
                        + major
                        + " is not available; available versions: "
                        + describe()));
  }

  /** For an instance provisioned earlier: a failure if its version has since disappeared. */
  PostgresInstallation forExisting(String name, int major) {
    return find(major)
        .orElseThrow(
            () ->
                new DataPlaneException(
                    name,
                    "start",
                    "Instance '"
                        + name
                        + "' was created with PostgreSQL "
                        + major
                        + ", which is no longer installed on this machine; available versions: "
                        + describe()));
  }

  String describe() {
    return versions.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }
}

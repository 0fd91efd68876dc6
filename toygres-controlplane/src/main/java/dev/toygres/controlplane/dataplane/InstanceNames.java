package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.InvalidRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Instance names as directory names: validation (nothing that could leave the instances root), the
 * listing of instance directories, and one lock per instance directory shared by the whole JVM.
 */
final class InstanceNames {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");
  private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private InstanceNames() {}

  /**
   * The directory of instance {@code name} under {@code root}.
   *
   * @throws InvalidRequestException if the name is not 1 to 100 of [a-z0-9-] starting with [a-z0-9]
   */
  static InstanceDir dir(Path root, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidRequestException(
          "name",
          "Invalid instance name '"
              + name
              + "': use 1 to 100 lowercase letters, digits and '-', starting with a letter or digit");
    }
    return new InstanceDir(root.resolve(name));
  }

  /** The monitor serializing operations on one instance directory within this JVM. */
  static Object lock(InstanceDir dir) {
    return LOCKS.computeIfAbsent(dir.path(), p -> new Object());
  }

  /** The names of the instance directories under {@code root}, sorted. */
  static List<String> list(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> NAME.matcher(n).matches())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new DataPlaneException(null, "list", "Cannot list " + root + ": " + e.getMessage(), e);
    }
  }
}

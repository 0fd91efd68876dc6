package dev.toygres.controlplane.testkit;

import dev.toygres.controlplane.dataplane.LocalDataPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Directories of the tests' servers, under {@code target/}: each is removed as the test JVM exits
 * (by an {@code rm} that outlives it for the 20 to 30 s deleting takes), after every PostgreSQL
 * server still running in it is stopped, together with the instances' socket directories in /tmp.
 * Tests may stop a server and start another on the same directory; only the JVM's end removes it.
 */
public final class TestDirectories {
  private static final Set<Path> CREATED = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(TestDirectories::removeAll, "test-directories-cleanup"));
  }

  private TestDirectories() {}

  /**
   * A new directory {@code target/<name>-<random>}, removed at the JVM's exit. It is searchable by
   * others (0711, like a control plane's data directory under root), so that instance servers run
   * as another OS user keep their data under it instead of in {@code /var/lib/toygres}.
   */
  public static Path create(String name) throws IOException {
    Path dir =
        Files.createTempDirectory(
            Files.createDirectories(Path.of("target").toAbsolutePath()), name + "-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    CREATED.add(dir);
    return dir;
  }

  /**
   * Stops the servers left in every directory first (none when the tests closed their own), then
   * hands the directories to an {@code rm -rf} that the JVM does not wait for: deleting the data
   * directories of a whole test run takes 20 to 30 s, and Surefire halts a JVM whose exit takes
   * more than 30 s, which stopped the deletion half-way. Without {@code rm} they are deleted here.
   */
  private static void removeAll() {
    List<Path> doomed = new ArrayList<>();
    for (Path dir : CREATED) {
      try {
        LeftoverServers.stopAll(dir);
      } catch (RuntimeException e) {
        System.err.println("could not stop the servers under " + dir + ": " + e);
      }
      // The servers' Unix sockets live under /tmp/toygres-<hash of the instances directory>: of
      // a server on this directory, or on one of its subdirectories (two servers sharing one).
      doomed.add(LocalDataPlane.socketRootOf(dir.resolve("instances")));
      try (Stream<Path> subdirectories = Files.list(dir)) {
        subdirectories
            .filter(Files::isDirectory)
            .forEach(sub -> doomed.add(LocalDataPlane.socketRootOf(sub.resolve("instances"))));
      } catch (IOException e) {
        System.err.println("could not list " + dir + ": " + e);
      }
      doomed.add(dir);
    }
    List<String> rm = new ArrayList<>(List.of("rm", "-rf", "--"));
    doomed.forEach(p -> rm.add(p.toString()));
    try {
      new ProcessBuilder(rm)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      return;
    } catch (IOException e) {
      System.err.println("could not start rm, deleting here: " + e);
    }
    for (Path p : doomed) {
      try {
        deleteTree(p);
      } catch (RuntimeException | IOException e) {
        System.err.println("could not remove " + p + ": " + e);
      }
    }
  }

  /** Deletes {@code root} and everything under it, without following links; nothing if absent. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

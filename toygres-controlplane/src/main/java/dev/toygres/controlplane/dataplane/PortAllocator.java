package dev.toygres.controlplane.dataplane;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses instance ports. A port is free when no other instance directory records it and it can be
 * bound on 127.0.0.1 right now. Choosing and recording happen under one lock (a JVM-wide monitor
 * plus an OS file lock on {@code <instancesRoot>/.ports.lock} against other processes), so two
 * concurrent provisions never get the same port.
 */
final class PortAllocator {

  private static final Logger LOG = LoggerFactory.getLogger(PortAllocator.class);

  /** One monitor for the whole JVM: file locks cannot be taken twice within one JVM. */
  private static final Object JVM_LOCK = new Object();

  private final Path instancesRoot;
  private final int first;
  private final int last;

  PortAllocator(Path instancesRoot, int first, int last) {
    if (first < 1 || last > 65535 || last < first) {
      throw new IllegalArgumentException(
          "instance port range must lie within 1-65535 and end after it starts, was "
              + first
              + "-"
              + last);
    }
    this.instancesRoot = instancesRoot;
    this.first = first;
    this.last = last;
  }

  /**
   * Chooses a free port for instance {@code name} and, still under the lock, hands it to {@code
   * record}, which must write the instance's metadata file so that later choices see it.
   *
   * @throws NoFreePortException if every port of the range is taken
   */
  @SuppressWarnings("try") // the file lock is held, not read
  <T> T allocate(String name, IntFunction<T> record) {
    synchronized (JVM_LOCK) {
      try {
        Files.createDirectories(instancesRoot);
        Path lockFile = instancesRoot.resolve(".ports.lock");
        try (FileChannel channel =
                FileChannel.open(
                    lockFile,
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            FileLock lock = channel.lock()) {
          Files.setPosixFilePermissions(lockFile, PosixFilePermissions.fromString("rw-------"));
          Set<Integer> recorded = recordedPorts(name);
          for (int port = first; port <= last; port++) {
            if (!recorded.contains(port) && bindable(port)) {
              return record.apply(port);
            }
          }
          throw new NoFreePortException(
              name,
              "No free port for instance '"
                  + name
                  + "' in the instance port range "
                  + first
                  + "-"
                  + last
                  + " on 127.0.0.1: "
                  + recorded.size()
                  + " are recorded by other instances, the rest are in use by other programs. "
                  + "Delete unused instances or configure a larger range.");
        }
      } catch (IOException e) {
        throw new DataPlaneException(
            name,
            "allocate a port",
            "Cannot lock " + instancesRoot + " to choose a port: " + e.getMessage(),
            e);
      }
    }
  }

  /**
   * The ports of the range recorded by instance directories (and their standbys' directories) other
   * than {@code exceptName}'s.
   */
  private Set<Integer> recordedPorts(String exceptName) throws IOException {
    Set<Integer> ports = new HashSet<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(instancesRoot, Files::isDirectory)) {
      for (Path dir : dirs) {
        if (dir.getFileName().toString().equals(exceptName)) {
          continue;
        }
        addRecorded(dir, ports);
        for (Path standby : Standbys.dirs(dir)) {
          if (!standby.getFileName().toString().equals(exceptName)) {
            addRecorded(standby, ports);
          }
        }
      }
    }
    return ports;
  }

  private void addRecorded(Path dir, Set<Integer> ports) {
    try {
      InstanceDir.read(dir.resolve(InstanceDir.METADATA_FILE))
          .filter(m -> m.port() >= first && m.port() <= last)
          .ifPresent(m -> ports.add(m.port()));
    } catch (DataPlaneException e) {
      LOG.warn("Ignoring unreadable instance metadata while choosing a port: {}", e.getMessage());
    }
  }

  /** Whether {@code port} can be bound on 127.0.0.1 right now. */
  static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true); // as postgres does: TIME_WAIT leftovers do not block it
      socket.bind(
          new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}

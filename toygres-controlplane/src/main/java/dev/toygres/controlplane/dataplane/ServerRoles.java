package dev.toygres.controlplane.dataplane;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.TreeSet;

/**
 * Which server of an instance is the primary, which are fenced (must not run until rebuilt or
 * unfenced) and which were removed (ordinal 0 only: its data was deleted while it was a standby),
 * as recorded in {@code <instance dir>/roles.json}. No file means primary 0, nothing fenced or
 * removed (every instance before its first failover). Written atomically; read and written under
 * the instance's lock.
 *
 * @param primary the primary's ordinal
 * @param fenced ordinals of fenced servers, sorted
 * @param removed ordinals of removed servers, sorted
 */
record ServerRoles(int primary, List<Integer> fenced, List<Integer> removed) {

  static final String FILE = "roles.json";
  static final ServerRoles INITIAL = new ServerRoles(0, List.of(), List.of());
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  ServerRoles {
    if (primary < 0) {
      throw new IllegalArgumentException("primary ordinal must be >= 0, was " + primary);
    }
    fenced = List.copyOf(new TreeSet<>(fenced == null ? List.of() : fenced));
    removed = List.copyOf(new TreeSet<>(removed == null ? List.of() : removed));
  }

  boolean isFenced(int ordinal) {
    return fenced.contains(ordinal);
  }

  boolean isRemoved(int ordinal) {
    return removed.contains(ordinal);
  }

  ServerRoles withPrimary(int ordinal) {
    return new ServerRoles(ordinal, fenced, without(removed, ordinal));
  }

  ServerRoles withFenced(int ordinal, boolean on) {
    return new ServerRoles(primary, on ? with(fenced, ordinal) : without(fenced, ordinal), removed);
  }

  ServerRoles withRemoved(int ordinal, boolean on) {
    return new ServerRoles(
        primary, fenced, on ? with(removed, ordinal) : without(removed, ordinal));
  }

  /** The roles recorded in {@code instanceDir}; {@link #INITIAL} when there is no file. */
  static ServerRoles read(InstanceDir instanceDir) {
    Path file = instanceDir.path().resolve(FILE);
    try {
      return JSON.readValue(Files.readAllBytes(file), ServerRoles.class);
    } catch (NoSuchFileException e) {
      return INITIAL;
    } catch (IOException e) {
      throw new DataPlaneException(
          instanceDir.path().getFileName().toString(),
          "read its roles",
          "Cannot read " + file + ": " + e.getMessage(),
          e);
    }
  }

  /** Records these roles in {@code instanceDir} (a temporary file moved into place). */
  void write(InstanceDir instanceDir) {
    Path file = instanceDir.path().resolve(FILE);
    Path tmp = instanceDir.path().resolve(FILE + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, JSON.writeValueAsBytes(this));
      try (var ch =
          java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new DataPlaneException(
          instanceDir.path().getFileName().toString(),
          "write its roles",
          "Cannot write " + file + ": " + e.getMessage(),
          e);
    }
  }

  private static List<Integer> with(List<Integer> list, int ordinal) {
    TreeSet<Integer> s = new TreeSet<>(list);
    s.add(ordinal);
    return List.copyOf(s);
  }

  private static List<Integer> without(List<Integer> list, int ordinal) {
    TreeSet<Integer> s = new TreeSet<>(list);
    s.remove(ordinal);
    return List.copyOf(s);
  }
}

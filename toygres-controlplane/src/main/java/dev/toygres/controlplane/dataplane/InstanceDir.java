package dev.toygres.controlplane.dataplane;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.toygres.controlplane.ConflictException;
import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.fs.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The directory of one local instance: {@code pgdata/} (the PostgreSQL data directory), {@code
 * postgres.log} (the server's output) and {@code instance.json} ({@link InstanceMetadata}).
 */
record InstanceDir(Path path) {

  static final String METADATA_FILE = "instance.json";
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  Path dataDir() {
    return path.resolve("pgdata");
  }

  Path logFile() {
    return path.resolve("postgres.log");
  }

  Path metadataFile() {
    return path.resolve(METADATA_FILE);
  }

  /** Whether the data directory holds an initialized cluster. */
  boolean hasCluster() {
    return Files.isRegularFile(dataDir().resolve("PG_VERSION"));
  }

  /**
   * The metadata of a provisioned (initialized) instance.
   *
   * @throws NotFoundException if there is none
   */
  InstanceMetadata requireProvisioned(String name) {
    return readMetadata()
        .filter(InstanceMetadata::initialized)
        .orElseThrow(
            () ->
                new NotFoundException("instance", name, "No provisioned instance '" + name + "'"));
  }

  /** Throws unless the data directory holds an initialized cluster. */
  void requireCluster(String name) {
    if (!hasCluster()) {
      throw new DataPlaneException(
          name,
          "start",
          "Instance '"
              + name
              + "' has no initialized data directory at "
              + dataDir()
              + "; it cannot be started (deprovision it)");
    }
  }

  /**
   * Throws a conflict if there is a data directory but no metadata file: that data was not created
   * by an unfinished provisioning, so it must never be wiped.
   */
  void refuseUnrecordedCluster() {
    if (hasCluster() && readMetadata().isEmpty()) {
      throw new ConflictException(
          "Instance directory "
              + path
              + " holds a PostgreSQL data directory but no "
              + METADATA_FILE
              + "; refusing to overwrite it (restore the file or deprovision the "
              + "instance)");
    }
  }

  /** The recorded metadata; empty if there is no metadata file. */
  Optional<InstanceMetadata> readMetadata() {
    return read(metadataFile());
  }

  /** Reads a metadata file; empty if it does not exist; throws if it cannot be parsed. */
  static Optional<InstanceMetadata> read(Path file) {
    try {
      return Optional.of(JSON.readValue(Files.readAllBytes(file), InstanceMetadata.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new DataPlaneException(
          nameOf(file.getParent()),
          "read its metadata",
          "Cannot read the instance metadata " + file + ": " + e.getMessage(),
          e);
    }
  }

  /** Writes the metadata file atomically (a temporary file moved into place). */
  void writeMetadata(InstanceMetadata metadata) {
    try {
      Files.createDirectories(path);
      Path tmp = path.resolve(METADATA_FILE + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, JSON.writeValueAsBytes(metadata));
      try {
        Files.move(
            tmp,
            metadataFile(),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, metadataFile(), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new DataPlaneException(
          nameOf(path),
          "write its metadata",
          "Cannot write the instance metadata " + metadataFile() + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Moves the whole instance directory to {@code target} (which must not exist): a rename on one
   * file system, else a copy (keeping owners and modes) and a delete.
   */
  void moveTo(Path target) {
    try {
      try {
        Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException crossDevice) {
        try (var paths = Files.walk(path)) {
          for (Path p : paths.toList()) {
            Files.copy(
                p,
                target.resolve(path.relativize(p).toString()),
                StandardCopyOption.COPY_ATTRIBUTES,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
          }
        }
        delete();
      }
    } catch (IOException e) {
      throw new DataPlaneException(
          nameOf(path),
          "move its directory",
          "Cannot move instance directory " + path + " to " + target + ": " + e,
          e);
    }
  }

  /** Deletes the data directory only (its parent stays). */
  void deleteDataDir() {
    deleteRecursively(dataDir());
  }

  /** Deletes the whole instance directory; does nothing if it is missing. */
  void delete() {
    deleteRecursively(path);
  }

  private static void deleteRecursively(Path root) {
    try {
      Trees.delete(root);
    } catch (IOException | UncheckedIOException e) {
      throw new DataPlaneException(
          null, "delete", "Cannot delete " + root + ": " + e.getMessage(), e);
    }
  }

  private static String nameOf(Path dir) {
    return dir == null || dir.getFileName() == null ? null : dir.getFileName().toString();
  }
}

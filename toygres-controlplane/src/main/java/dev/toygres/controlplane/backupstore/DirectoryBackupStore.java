package dev.toygres.controlplane.backupstore;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.toygres.controlplane.fs.Reach;
import dev.toygres.controlplane.fs.Trees;
import dev.toygres.postgres.OsUser;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The backup store in one directory (a local disk or a mounted file system): {@code
 * <root>/instances/<k8sName>/} holds {@code instance.json}, {@code wal/} (archived segments and
 * history files, written by the servers' OS user through {@link #archiveCommand}) and {@code
 * base/<backupId>/} with {@code data/}, {@code backup_label}, {@code tablespace_map} and, written
 * last, {@code manifest.json}. A second control plane on the same root reads the same backups. The
 * directories on the way to the WAL archive are exactly 0711 (0700 when servers run as this
 * process's user), the WAL archive 0700 owned by the servers' OS user, {@code base/} 0700 and
 * everything under it this process's own.
 */
public final class DirectoryBackupStore implements BackupStore {
  static final String MANIFEST = "manifest.json";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path root;
  private final OsUser walOwner;

  /**
   * @param root the store's directory (created when needed)
   * @param walOwner the OS user the servers run as, who writes the WAL archive; null for this
   *     process's user
   */
  public DirectoryBackupStore(Path root, OsUser walOwner) {
    this.root = root.toAbsolutePath().normalize();
    this.walOwner = walOwner;
  }

  /** The store's directory. */
  public Path root() {
    return root;
  }

  @Override
  public String location() {
    return root.toString();
  }

  /** The instance's directory in the store. */
  public Path instanceDir(String k8sName) {
    return root.resolve("instances").resolve(checkedId(k8sName));
  }

  /** The instance's WAL archive. */
  public Path walDir(String k8sName) {
    return instanceDir(k8sName).resolve("wal");
  }

  @Override
  public void prepareInstance(String k8sName, int majorVersion, String systemIdentifier) {
    Path dir = instanceDir(k8sName);
    Path wal = walDir(k8sName);
    try {
      Set<PosixFilePermission> mode =
          PosixFilePermissions.fromString(walOwner == null ? "rwx------" : "rwx--x--x");
      // Exactly these modes: a directory made with the umask's 0755 would let the servers' OS user
      // list every instance's backups. Only the WAL archive is theirs; base backups are not.
      for (Path p : List.of(root, root.resolve("instances"), dir)) {
        Files.createDirectories(p);
        if (!Files.getPosixFilePermissions(p).equals(mode)) {
          Files.setPosixFilePermissions(p, mode);
        }
      }
      Path base = dir.resolve("base");
      Files.createDirectories(base);
      Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx------"));
      Files.createDirectories(wal);
      Files.setPosixFilePermissions(wal, PosixFilePermissions.fromString("rwx------"));
      if (walOwner != null) {
        Files.setAttribute(wal, "unix:uid", walOwner.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(wal, "unix:gid", walOwner.gid(), LinkOption.NOFOLLOW_LINKS);
        Path blocked = Reach.blocking(dir, walOwner);
        if (blocked != null) {
          throw new BackupStoreException(
              k8sName,
              "The instance servers' OS user "
                  + walOwner.name()
                  + " cannot reach the backup store "
                  + root
                  + " ("
                  + blocked
                  + " is not searchable by it): give it search permission, or choose another"
                  + " --backup-dir",
              null);
        }
      }
      Path info = dir.resolve("instance.json");
      Map<String, Object> recorded = new LinkedHashMap<>();
      recorded.put("k8s_name", k8sName);
      recorded.put("major_version", majorVersion);
      recorded.put("system_identifier", systemIdentifier);
      recorded.put("created", Instant.now().toString());
      if (Files.exists(info)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> old = JSON.readValue(info.toFile(), Map.class);
        if (old.get("created") != null) {
          recorded.put("created", old.get("created"));
        }
        if (systemIdentifier == null && old.get("system_identifier") != null) {
          recorded.put("system_identifier", old.get("system_identifier"));
        }
        if (recorded.equals(old)) {
          return;
        }
      }
      writeAtomically(info, JSON.writeValueAsBytes(recorded));
    } catch (IOException e) {
      throw failure(k8sName, "prepare its place in the backup store " + dir, e);
    }
  }

  /**
   * The longest archive command PostgreSQL runs whole: before 16 it expands the command into a
   * buffer of MAXPGPATH (1024) bytes and silently cuts the rest, which the shell then refuses.
   */
  static final int MAX_COMMAND = 1023;

  @Override
  public String archiveCommand(String k8sName) {
    // The directory appears once (PostgreSQL 15 cuts a command longer than 1024 bytes). test -f:
    // never overwrite; an identical file is an earlier attempt that was not recorded.
    String command =
        ("d=%s; if test -f \"$d/%%f\"; then cmp -s %%p \"$d/%%f\"; else cp %%p \"$d/%%f.tmp\""
                + " && sync \"$d/%%f.tmp\" && mv \"$d/%%f.tmp\" \"$d/%%f\" && sync \"$d\"; fi")
            .formatted(shellQuote(walDir(k8sName).toString()));
    // %f is a WAL file's name (at most 40 characters with a suffix), %p pg_wal/ and that name.
    String expanded = command.replace("%f", "f".repeat(40)).replace("%p", "p".repeat(47));
    if (expanded.length() > MAX_COMMAND) {
      throw new BackupStoreException(
          k8sName,
          "The backup store's path "
              + walDir(k8sName)
              + " is too long for PostgreSQL's archive_command ("
              + expanded.length()
              + " of at most "
              + MAX_COMMAND
              + " characters once expanded): choose a shorter --backup-dir",
          null);
    }
    return command;
  }

  @Override
  public String restoreCommand(String k8sName) {
    return "cp " + shellQuote(walDir(k8sName).toString()) + "/%f %p";
  }

  @Override
  public List<String> walFiles(String k8sName) {
    Path wal = walDir(k8sName);
    if (!Files.isDirectory(wal)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(wal)) {
      return s.map(p -> p.getFileName().toString()).filter(WalNames::isWalFile).sorted().toList();
    } catch (IOException e) {
      throw failure(k8sName, "list its WAL archive", e);
    }
  }

  @Override
  public boolean hasWal(String k8sName, String name) {
    return Files.isRegularFile(walDir(k8sName).resolve(checkedId(name)));
  }

  @Override
  public void removeWal(String k8sName, String name) {
    try {
      Files.deleteIfExists(walDir(k8sName).resolve(checkedId(name)));
    } catch (IOException e) {
      throw failure(k8sName, "remove archived WAL " + name, e);
    }
  }

  @Override
  public Path openBase(String k8sName, String backupId) {
    Path dir = baseDir(k8sName, backupId);
    if (Files.exists(dir.resolve(MANIFEST))) {
      throw new IllegalStateException("base backup " + backupId + " of " + k8sName + " is done");
    }
    try {
      Trees.delete(dir);
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      return dir;
    } catch (IOException e) {
      throw failure(k8sName, "make the directory of base backup " + backupId, e);
    }
  }

  @Override
  public void finishBase(BackupManifest manifest) {
    Path dir = baseDir(manifest.k8sName(), manifest.backupId());
    try {
      writeAtomically(dir.resolve(MANIFEST), JSON.writeValueAsBytes(manifest));
    } catch (IOException e) {
      throw failure(manifest.k8sName(), "write the manifest of " + manifest.backupId(), e);
    }
  }

  @Override
  public Path baseDir(String k8sName, String backupId) {
    return instanceDir(k8sName).resolve("base").resolve(checkedId(backupId));
  }

  @Override
  public Optional<BackupManifest> manifest(String k8sName, String backupId) {
    Path file = baseDir(k8sName, backupId).resolve(MANIFEST);
    try {
      return Optional.of(JSON.readValue(Files.readAllBytes(file), BackupManifest.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failure(k8sName, "read the manifest " + file, e);
    }
  }

  @Override
  public List<BackupManifest> manifests(String k8sName) {
    Path base = instanceDir(k8sName).resolve("base");
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    List<BackupManifest> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(base)) {
      for (Path p : s.toList()) {
        String id = p.getFileName().toString();
        if (ID.matcher(id).matches()) {
          manifest(k8sName, id).ifPresent(out::add);
        }
      }
    } catch (IOException e) {
      throw failure(k8sName, "list its base backups", e);
    }
    out.sort(
        Comparator.comparing(BackupManifest::startedAt).thenComparing(BackupManifest::backupId));
    return out;
  }

  @Override
  public void deleteBase(String k8sName, String backupId) {
    Path dir = baseDir(k8sName, backupId);
    try {
      Files.deleteIfExists(dir.resolve(MANIFEST));
      Trees.delete(dir);
    } catch (IOException e) {
      throw failure(k8sName, "delete base backup " + backupId, e);
    }
  }

  @Override
  public void purge(String k8sName) {
    Path dir = instanceDir(k8sName);
    try {
      Path base = dir.resolve("base");
      if (Files.isDirectory(base)) {
        try (Stream<Path> s = Files.list(base)) {
          for (Path p : s.toList()) {
            Files.deleteIfExists(p.resolve(MANIFEST));
          }
        }
      }
      Trees.delete(dir);
    } catch (IOException e) {
      throw failure(k8sName, "remove its backups", e);
    }
  }

  private static void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(content));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** A single-quoted word for {@code sh}. */
  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static String checkedId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not a valid name in the backup store: " + id);
    }
    return id;
  }

  private static BackupStoreException failure(String k8sName, String what, IOException e) {
    return new BackupStoreException(
        k8sName, "Backup store: cannot " + what + ": " + e.getMessage(), e);
  }
}

package dev.toygres.controlplane.dataplane;

import dev.toygres.postgres.OsUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The settings Toygres keeps in a server's {@code postgresql.auto.conf}: the standby settings
 * {@code primary_conninfo} (which holds the replication password, so it is written to the file and
 * never sent as a statement) and {@code primary_slot_name}; WAL archiving ({@code archive_mode},
 * {@code archive_timeout}, {@code archive_command}); and, while a restored instance recovers, its
 * recovery settings ({@code restore_command}, {@code recovery_target_*}). The file is rewritten
 * whole (a temporary file owned by the server's OS user, 0600, moved into place), keeping every
 * other line.
 */
final class AutoConf {
  static final String FILE = "postgresql.auto.conf";
  private static final String MARK = "# Written by Toygres: this server is standby";
  private static final String ARCHIVE_MARK = "# Written by Toygres: WAL archiving";
  private static final String RECOVERY_MARK = "# Written by Toygres: restore";
  static final Set<String> ARCHIVE_KEYS =
      Set.of("archive_mode", "archive_timeout", "archive_command");
  private static final Set<String> RECOVERY_KEYS =
      Set.of(
          "restore_command",
          "recovery_target",
          "recovery_target_time",
          "recovery_target_lsn",
          "recovery_target_xid",
          "recovery_target_name",
          "recovery_target_inclusive",
          "recovery_target_action",
          "recovery_target_timeline");

  private AutoConf() {}

  /** Replaces the standby settings of the data directory {@code dataDir} with {@code settings}. */
  static void setStandby(Path dataDir, String settings, OsUser owner) throws IOException {
    rewrite(dataDir, settings, owner);
  }

  /** Removes the standby settings (a promoted server); no-op if there are none. */
  static void clearStandby(Path dataDir, OsUser owner) throws IOException {
    rewrite(dataDir, "", owner);
  }

  /** Replaces the archiving settings with {@code settings} (key to value, written as literals). */
  static void setArchiving(Path dataDir, Map<String, String> settings, OsUser owner)
      throws IOException {
    replace(dataDir, ARCHIVE_KEYS, ARCHIVE_MARK, block(ARCHIVE_MARK, settings), owner);
  }

  /** Replaces the recovery settings (empty map: removes them). */
  static void setRecovery(Path dataDir, Map<String, String> settings, OsUser owner)
      throws IOException {
    replace(
        dataDir,
        RECOVERY_KEYS,
        RECOVERY_MARK,
        settings.isEmpty() ? "" : block(RECOVERY_MARK, settings),
        owner);
  }

  /** Removes the settings {@code keys} wherever they are. */
  static void remove(Path dataDir, Set<String> keys, OsUser owner) throws IOException {
    replace(dataDir, keys, "# Written by Toygres: never matches a line #", "", owner);
  }

  /** The value of setting {@code key} in the file, if it is set there (the last line wins). */
  static Optional<String> value(Path dataDir, String key) throws IOException {
    Optional<String> found = Optional.empty();
    for (String l : lines(dataDir)) {
      int eq = l.indexOf('=');
      if (eq > 0 && l.substring(0, eq).strip().equals(key)) {
        String v = l.substring(eq + 1).strip();
        if (v.startsWith("'") && v.endsWith("'") && v.length() >= 2) {
          v = v.substring(1, v.length() - 1).replace("''", "'");
        }
        found = Optional.of(v);
      }
    }
    return found;
  }

  private static String block(String mark, Map<String, String> settings) {
    StringBuilder b = new StringBuilder(mark).append('\n');
    new java.util.TreeMap<>(settings)
        .forEach((k, v) -> b.append(k).append(" = ").append(InstanceRoles.literal(v)).append('\n'));
    return b.toString();
  }

  private static List<String> lines(Path dataDir) throws IOException {
    try {
      return Files.readAllLines(dataDir.resolve(FILE), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  private static void rewrite(Path dataDir, String settings, OsUser owner) throws IOException {
    replace(dataDir, Set.of("primary_conninfo", "primary_slot_name"), MARK, settings, owner);
  }

  private static void replace(
      Path dataDir, Set<String> keys, String mark, String settings, OsUser owner)
      throws IOException {
    Path file = dataDir.resolve(FILE);
    List<String> kept = lines(dataDir).stream().filter(l -> !isSetting(l, keys, mark)).toList();
    StringBuilder out = new StringBuilder();
    kept.forEach(l -> out.append(l).append('\n'));
    out.append(settings);
    Path tmp = dataDir.resolve(FILE + ".toygres-tmp");
    BaseBackup.write(tmp, out.toString(), owner);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static boolean isSetting(String line, Set<String> keys, String mark) {
    String l = line.strip();
    if (l.startsWith(mark)) {
      return true;
    }
    int eq = l.indexOf('=');
    return eq > 0 && keys.contains(l.substring(0, eq).strip());
  }

  /** The lines {@link #setStandby} writes for standby {@code ordinal} of {@code instance}. */
  static String standbySettings(int ordinal, String instance, String conninfo, String slot) {
    return "%s %d of %s.\nprimary_conninfo = %s\nprimary_slot_name = %s\n"
        .formatted(
            MARK, ordinal, instance, InstanceRoles.literal(conninfo), InstanceRoles.literal(slot));
  }
}

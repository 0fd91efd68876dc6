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

/**
 * The standby settings Toygres keeps in a server's {@code postgresql.auto.conf}: {@code
 * primary_conninfo} (which holds the replication password, so it is written to the file and never
 * sent as a statement) and {@code primary_slot_name}. The file is rewritten whole (a temporary file
 * owned by the server's OS user, 0600, moved into place), keeping every other line.
 */
final class AutoConf {
  static final String FILE = "postgresql.auto.conf";
  private static final String MARK = "# Written by Toygres: this server is standby";

  private AutoConf() {}

  /** Replaces the standby settings of the data directory {@code dataDir} with {@code settings}. */
  static void setStandby(Path dataDir, String settings, OsUser owner) throws IOException {
    rewrite(dataDir, settings, owner);
  }

  /** Removes the standby settings (a promoted server); no-op if there are none. */
  static void clearStandby(Path dataDir, OsUser owner) throws IOException {
    rewrite(dataDir, "", owner);
  }

  private static void rewrite(Path dataDir, String settings, OsUser owner) throws IOException {
    Path file = dataDir.resolve(FILE);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      lines = List.of();
    }
    List<String> kept = lines.stream().filter(l -> !isStandbySetting(l)).toList();
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

  private static boolean isStandbySetting(String line) {
    String l = line.strip();
    return l.startsWith(MARK)
        || l.startsWith("primary_conninfo")
        || l.startsWith("primary_slot_name");
  }

  /** The lines {@link #setStandby} writes for standby {@code ordinal} of {@code instance}. */
  static String standbySettings(int ordinal, String instance, String conninfo, String slot) {
    return "%s %d of %s.\nprimary_conninfo = %s\nprimary_slot_name = %s\n"
        .formatted(
            MARK, ordinal, instance, InstanceRoles.literal(conninfo), InstanceRoles.literal(slot));
  }
}

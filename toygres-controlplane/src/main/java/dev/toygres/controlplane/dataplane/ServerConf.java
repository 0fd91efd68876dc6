package dev.toygres.controlplane.dataplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps an instance's {@code postgresql.conf} in step with the settings its server is started with
 * on the command line. Those win anyway, but a reload compares the file with the running values:
 * with initdb's {@code shared_buffers = 128MB} in the file and 32MB running, every reload logged
 * "parameter ... cannot be changed without restarting the server" and "configuration file ...
 * contains errors", which a user reading the instance's log would take for a fault.
 */
final class ServerConf {
  static final String MARKER = "# Written by Toygres: the settings the server is started with";

  private ServerConf() {}

  /**
   * Appends {@code settings} to {@code dataDir}'s {@code postgresql.conf} once (a block after
   * {@link #MARKER}); does nothing when the block is there or there is no file yet.
   */
  static void ensure(Path dataDir, Map<String, String> settings) throws IOException {
    Path conf = dataDir.resolve("postgresql.conf");
    if (!Files.exists(conf)) {
      return;
    }
    String text = Files.readString(conf, StandardCharsets.UTF_8);
    if (text.contains(MARKER)) {
      return;
    }
    StringBuilder block = new StringBuilder(text.endsWith("\n") ? "\n" : "\n\n");
    block.append(MARKER).append('\n');
    new TreeMap<>(settings)
        .forEach(
            (k, v) -> block.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
    Files.writeString(conf, block, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }
}

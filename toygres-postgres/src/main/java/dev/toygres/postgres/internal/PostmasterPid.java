package dev.toygres.postgres.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The parsed {@code postmaster.pid} of a data directory: line 1 the pid, line 2 the data directory,
 * line 4 the port, line 5 the first Unix socket directory, line 6 the first listen address.
 *
 * @param pid the postmaster's pid
 * @param port the TCP port, or 0 if not recorded
 * @param socketDir the first Unix socket directory, or "" if none (or not recorded)
 * @param listenAddress the first listen address, or "" if not recorded
 */
public record PostmasterPid(long pid, int port, String socketDir, String listenAddress) {

  /** Name of the lock file PostgreSQL writes into its data directory. */
  public static final String FILE_NAME = "postmaster.pid";

  /** Reads {@code dataDir/postmaster.pid}; empty if it is missing or unreadable. */
  public static Optional<PostmasterPid> read(Path dataDir) {
    try {
      return parse(Files.readString(dataDir.resolve(FILE_NAME), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Parses the text of a postmaster.pid file; empty if it has no valid pid line. */
  static Optional<PostmasterPid> parse(String text) {
    String[] lines = text.split("\n", -1);
    try {
      long pid = Long.parseLong(lines[0].trim());
      int port = lines.length > 3 && !lines[3].isBlank() ? Integer.parseInt(lines[3].trim()) : 0;
      String socketDir = lines.length > 4 ? lines[4].trim() : "";
      String listen = lines.length > 5 ? lines[5].trim().split(",")[0].trim() : "";
      return pid > 0
          ? Optional.of(new PostmasterPid(pid, port, socketDir, listen))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}

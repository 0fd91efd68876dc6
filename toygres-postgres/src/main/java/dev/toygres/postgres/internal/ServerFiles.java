package dev.toygres.postgres.internal;

import dev.toygres.postgres.PostgresException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Prepares a server's files before initdb and launch: the socket directory and the log file. */
final class ServerFiles {

  private ServerFiles() {}

  /**
   * Prepares {@code spec}'s files.
   *
   * @throws PostgresException if the socket directory is unsafe
   */
  static void prepare(ServerSpec spec) throws IOException {
    if (spec.socketDir() != null) {
      SocketDirectory.prepare(spec.socketDir(), OsUsers.current());
    }
    Path logParent = spec.logFile().getParent();
    if (logParent != null) {
      Files.createDirectories(logParent);
    }
    // The server appends through a descriptor opened by this JVM, so the log stays this JVM's.
    FileAccess.createOwnerOnlyFile(spec.logFile());
  }
}

package dev.toygres.controlplane.server;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin token: from {@code TOYGRES_ADMIN_TOKEN}, or generated once into the data directory
 * (0600).
 */
final class Secrets {
  private Secrets() {}

  /** The token and whether it was generated just now (so it is printed once). */
  record AdminToken(String value, boolean generated, Path file) {}

  static AdminToken adminToken(String fromEnv, Path dataDir) throws IOException {
    Path file = dataDir.resolve("admin-token");
    if (fromEnv != null && !fromEnv.isBlank()) {
      if (fromEnv.trim().length() < 16) {
        throw new IllegalArgumentException("TOYGRES_ADMIN_TOKEN must be at least 16 characters");
      }
      return new AdminToken(fromEnv.trim(), false, null);
    }
    if (Files.exists(file)) {
      return new AdminToken(Files.readString(file).trim(), false, file);
    }
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    String token = "tgr_" + HexFormat.of().formatHex(b);
    Path tmp =
        Files.createTempFile(
            dataDir,
            ".admin-token-",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, token + "\n");
      // A hard link fails if the file exists: of two servers starting at once, one token wins.
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException raced) {
      return new AdminToken(Files.readString(file).trim(), false, file);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new AdminToken(token, true, file);
  }
}

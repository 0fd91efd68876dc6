package dev.toygres.controlplane.server;

import dev.toygres.controlplane.config.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin token: from {@code TOYGRES_ADMIN_TOKEN}, or generated once into the data directory
 * (0600). Either way it has at least {@link #MIN_LENGTH} characters, or the server does not start.
 */
final class Secrets {
  /** The shortest admin token the server accepts. */
  static final int MIN_LENGTH = 16;

  private static final String ENV = "TOYGRES_ADMIN_TOKEN";

  private Secrets() {}

  /** The token and whether it was generated just now (so it is printed once). */
  record AdminToken(String value, boolean generated, Path file) {}

  /**
   * The token from {@code fromEnv} if it is set (an empty or blank value counts as unset, as for
   * every environment variable of the server), else from {@code <dataDir>/admin-token}, generated
   * if that file does not exist.
   *
   * @throws ConfigurationException if the token, trimmed, is shorter than {@link #MIN_LENGTH}; the
   *     message names where it came from and never contains it
   */
  static AdminToken adminToken(String fromEnv, Path dataDir) throws IOException {
    Path file = dataDir.resolve("admin-token");
    if (fromEnv != null && !fromEnv.isBlank()) {
      String token = fromEnv.trim();
      if (token.length() < MIN_LENGTH) {
        throw new ConfigurationException(
            ENV
                + " is "
                + tooShort(token)
                + ": set a longer token (e.g. the output of 'openssl rand -hex 24'), or unset it to"
                + " have one generated into "
                + file);
      }
      return new AdminToken(token, false, null);
    }
    if (Files.exists(file)) {
      return new AdminToken(read(file), false, file);
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
      return new AdminToken(read(file), false, file);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new AdminToken(token, true, file);
  }

  private static String read(Path file) throws IOException {
    String token = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (token.length() < MIN_LENGTH) {
      throw new ConfigurationException(
          "the admin token in "
              + file
              + " is "
              + tooShort(token)
              + ": delete the file to have a new token generated (and printed once) at the next"
              + " start, or write a token of at least "
              + MIN_LENGTH
              + " characters into it, or set "
              + ENV);
    }
    return token;
  }

  private static String tooShort(String token) {
    return token.isEmpty()
        ? "empty"
        : "too short (" + token.length() + " characters; at least " + MIN_LENGTH + " are needed)";
  }
}

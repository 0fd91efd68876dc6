package dev.toygres.postgres.internal;

import dev.toygres.postgres.PostgresException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Properties;
import java.util.Set;

/**
 * The small state files of an embedded database directory (password, port) and database creation.
 */
public final class EmbeddedFiles {

  private static final Set<PosixFilePermission> OWNER_ONLY = FileAccess.OWNER_READ_WRITE;

  private EmbeddedFiles() {}

  /**
   * Makes an embedded database directory private to this JVM's user: the directory 0700, its {@code
   * port} and {@code postgres.log} files (if present) 0600. The password file is fixed by {@link
   * #password}.
   */
  public static void makePrivate(Path dir) throws IOException {
    FileAccess.restrict(dir, FileAccess.OWNER_ONLY_DIR);
    for (String name : new String[] {"port", "postgres.log"}) {
      Path file = dir.resolve(name);
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        FileAccess.restrict(file, OWNER_ONLY);
      }
    }
  }

  /**
   * Reads the password stored in {@code file} (fixing its mode to 0600), or generates one and
   * stores it atomically with mode 0600 if the file is absent and the cluster is not initialized
   * yet.
   */
  public static String password(Path file, boolean clusterExists) throws IOException {
    if (Files.exists(file)) {
      FileAccess.restrict(file, OWNER_ONLY);
      String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (stored.isEmpty()) {
        throw new PostgresException(
            "The password file "
                + file
                + " is empty; restore it, or delete "
                + "the data directory to start from scratch.");
      }
      return stored;
    }
    if (clusterExists) {
      throw new PostgresException(
          "The data directory is initialized but its password file "
              + file
              + " is missing, so the superuser cannot authenticate. Restore the file, or delete the "
              + "data directory to start from scratch.");
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    write(file, password);
    return password;
  }

  /** The port stored in {@code file} if it is free now, else 0 (meaning: pick a free one). */
  public static int rememberedPort(Path file) {
    try {
      int port = Integer.parseInt(Files.readString(file, StandardCharsets.UTF_8).strip());
      return FreePorts.isFree(port) ? port : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /** Stores {@code port} in {@code file}. */
  public static void rememberPort(Path file, int port) throws IOException {
    write(file, Integer.toString(port));
  }

  /**
   * Creates database {@code name} on the server at {@code url} (a postgres-database URL) unless it
   * exists.
   */
  public static void createDatabaseIfAbsent(String url, String user, String password, String name)
      throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    try (Connection connection = new org.postgresql.Driver().connect(url, properties);
        PreparedStatement query =
            connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      query.setString(1, name);
      try (ResultSet rs = query.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
      try (Statement create = connection.createStatement()) {
        create.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
      }
    }
  }

  private static void write(Path file, String content) throws IOException {
    Path temp =
        Files.createTempFile(
            file.getParent(),
            "." + file.getFileName() + "-",
            ".tmp",
            PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      Files.writeString(temp, content + "\n", StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}

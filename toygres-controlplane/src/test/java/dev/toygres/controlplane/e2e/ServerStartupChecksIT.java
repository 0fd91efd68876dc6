package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.postgres.internal.RootWrapper;
import dev.toygres.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code toygres server} in a child JVM refusing a configuration it must not run with: exit code 78
 * and one {@code error: ...} line saying where the bad value came from and how to fix it, never the
 * secret itself. Servers that do start use a fresh database on the test PostgreSQL through {@code
 * --database-url-file}, and show the data directory's modes.
 */
class ServerStartupChecksIT {
  private static final String DATA_DIR_MODE = RootWrapper.isRoot() ? "rwx--x--x" : "rwx------";
  @TempDir Path tmp;
  private final List<AutoCloseable> cleanUp = new ArrayList<>();
  private String databasePassword;

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = cleanUp.size() - 1; i >= 0; i--) {
      cleanUp.get(i).close();
    }
    LeftoverServers.stopAll(tmp);
  }

  private static Map<String, String> env(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static Path privateDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    return dir;
  }

  private static Path write(Path file, String text, String mode) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  private static String newKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  /** A file holding the JDBC URL, with password, of a new database on the test PostgreSQL. */
  private Path urlFileOfFreshDatabase(String mode) throws IOException {
    TestDatabase.Fresh db = TestDatabase.freshDatabase(1);
    cleanUp.add(db);
    String jdbc = db.pool().getJdbcUrl();
    databasePassword = db.pool().getPassword();
    String url =
        jdbc
            + (jdbc.contains("?") ? "&" : "?")
            + "user="
            + db.pool().getUsername()
            + "&password="
            + db.pool().getPassword();
    return write(tmp.resolve(db.name() + ".url"), "\n" + url + "\n", mode);
  }

  private static void assertRefused(ServerProcess.Exit exit, String error) {
    assertThat(exit.code()).as(exit.output()).isEqualTo(78);
    assertThat(exit.err().lines().filter(l -> l.startsWith("error: ")))
        .as(exit.output())
        .singleElement()
        .asString()
        .startsWith("error: " + error);
    assertThat(exit.output()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void anEmptyAdminTokenFileRefusesToStartAndSaysHowToFixIt() throws Exception {
    Path dataDir = privateDir(tmp.resolve("data"));
    Path token = write(dataDir.resolve("admin-token"), "  \n", "rw-------");

    ServerProcess.Exit exit =
        ServerProcess.runUntilRefused(dataDir, env("TOYGRES_ADMIN_TOKEN", null));

    assertRefused(exit, "the admin token in " + token + " is empty: delete the file");
    assertThat(exit.err().strip().lines()).as(exit.output()).hasSize(1);
    assertThat(exit.err()).contains("at least 16 characters").contains("TOYGRES_ADMIN_TOKEN");
  }

  @Test
  void aShortAdminTokenFromTheEnvironmentRefusesToStartWithoutShowingIt() throws Exception {
    ServerProcess.Exit exit =
        ServerProcess.runUntilRefused(
            privateDir(tmp.resolve("data")), env("TOYGRES_ADMIN_TOKEN", "tiny-token-123"));

    assertRefused(exit, "TOYGRES_ADMIN_TOKEN is too short (14 characters; at least 16");
    assertThat(exit.output()).doesNotContain("tiny-token-123");
  }

  @Test
  void aDatabaseUrlWithAPasswordOnTheCommandLineIsRefusedWithoutEchoingIt() throws Exception {
    Path dataDir = privateDir(tmp.resolve("data"));
    for (String url :
        List.of(
            "postgresql://u:secret@127.0.0.1:1/x",
            "jdbc:postgresql://127.0.0.1:1/x?user=u&password=secret")) {
      ServerProcess.Exit exit =
          ServerProcess.runUntilRefused(dataDir, Map.of(), "--database-url", url);

      assertRefused(exit, "--database-url must not carry a password");
      assertThat(exit.err()).contains("DATABASE_URL").contains("--database-url-file PATH");
      assertThat(exit.output().toLowerCase(java.util.Locale.ROOT)).doesNotContain("secret");
    }
  }

  @Test
  void aServerStartedAgainWithAnotherSecretKeyRefusesUntilTheOriginalKeyIsBack() throws Exception {
    Path urlFile = urlFileOfFreshDatabase("rw-------");
    Path dataDir = tmp.resolve("data");
    Path keyFile = dataDir.resolve("secret.key");
    String[] args = {"--database-url-file", urlFile.toString()};
    ServerProcess first =
        ServerProcess.start(
            dataDir, ServerProcess.freePort(), 29600, env("TOYGRES_ADMIN_TOKEN", null), args);
    try {
      assertThat(mode(dataDir)).isEqualTo(DATA_DIR_MODE);
      assertThat(mode(dataDir.resolve("admin-token"))).isEqualTo("rw-------");
      assertThat(mode(keyFile)).isEqualTo("rw-------");
      assertThat(first.output())
          .contains("metadata database external")
          .doesNotContain("open to other users")
          .doesNotContain("password=" + databasePassword);
    } finally {
      first.close();
    }
    String original = Files.readString(keyFile);
    String other = newKey();

    write(keyFile, other + "\n", "rw-------");
    ServerProcess.Exit fromFile = ServerProcess.runUntilRefused(dataDir, Map.of(), args);
    write(keyFile, original, "rw-------");
    ServerProcess.Exit fromEnv =
        ServerProcess.runUntilRefused(dataDir, env("TOYGRES_SECRET_KEY", other), args);

    assertRefused(
        fromFile,
        "the secret key from "
            + keyFile
            + " is not the one the secrets in this database were sealed with");
    assertRefused(
        fromEnv,
        "the secret key from TOYGRES_SECRET_KEY is not the one the secrets in this database");
    for (ServerProcess.Exit exit : List.of(fromFile, fromEnv)) {
      assertThat(exit.err())
          .contains("copy secret.key back to " + keyFile + " from a backup")
          .contains("set TOYGRES_SECRET_KEY to its original value")
          .contains("If the original key is truly lost")
          .contains("cannot be recovered");
      assertThat(exit.output()).doesNotContain(other).doesNotContain(original.strip());
    }
    ServerProcess again = ServerProcess.start(dataDir, ServerProcess.freePort(), 29600, args);
    try {
      assertThat(again.api().get("/api/instances").status()).isEqualTo(200);
    } finally {
      again.close();
    }
  }

  @Test
  void widerModesInTheDataDirectoryAreNarrowedAtStartWithAWarning() throws Exception {
    Path urlFile = urlFileOfFreshDatabase("rw-r--r--");
    Path dataDir = Files.createDirectories(tmp.resolve("loose"));
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path token = write(dataDir.resolve("admin-token"), "a-long-enough-admin-token\n", "rw-r--r--");
    Path key = write(dataDir.resolve("secret.key"), newKey() + "\n", "rw-rw-r--");

    ServerProcess server =
        ServerProcess.start(
            dataDir,
            ServerProcess.freePort(),
            29600,
            env("TOYGRES_ADMIN_TOKEN", null),
            "--database-url-file",
            urlFile.toString());
    try {
      assertThat(mode(dataDir)).isEqualTo(DATA_DIR_MODE);
      assertThat(mode(token)).isEqualTo("rw-------");
      assertThat(mode(key)).isEqualTo("rw-------");
      String log = server.output();
      assertThat(log)
          .contains(dataDir + " had mode 0755, open to other users; changed it to 07")
          .contains(token + " had mode 0644, open to other users; changed it to 0600")
          .contains(key + " had mode 0664, open to other users; changed it to 0600")
          .contains("warning: " + urlFile + " (--database-url-file) may be read or changed");
      assertThat(log).doesNotContain("password=" + databasePassword);
    } finally {
      server.close();
    }
  }
}

package dev.toygres.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.postgres.OsUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAccessTest {

  /** Someone who owns nothing here and is in none of its groups. */
  private static final OsUser STRANGER = new OsUser("stranger", 54321, 54321);

  @TempDir Path dir;

  @Test
  void findsTheFirstDirectoryAnotherUserCannotEnter() throws Exception {
    Path outer = Files.createDirectories(dir.resolve("outer"));
    Path inner = Files.createDirectories(outer.resolve("inner/data"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    Files.setPosixFilePermissions(outer, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(
        outer.resolve("inner"), PosixFilePermissions.fromString("rwx------"));

    assertThat(FileAccess.firstUnsearchable(inner, STRANGER)).contains(outer);
    assertThat(FileAccess.firstUnsearchable(inner, OsUser.current())).isEmpty();

    Files.setPosixFilePermissions(outer, PosixFilePermissions.fromString("rwx--x--x"));
    assertThat(FileAccess.firstUnsearchable(inner, STRANGER)).contains(outer.resolve("inner"));
  }

  @Test
  void followsSymbolicLinksToWhereTheyLead() throws Exception {
    Path closed = Files.createDirectories(dir.resolve("closed/target"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    Files.setPosixFilePermissions(
        dir.resolve("closed"), PosixFilePermissions.fromString("rwx------"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), closed);

    assertThat(FileAccess.firstUnsearchable(link, STRANGER)).contains(dir.resolve("closed"));
  }

  @Test
  void ownerOnlyFilesAreCreatedOrFixed() throws Exception {
    Path created = dir.resolve("new.log");
    FileAccess.createOwnerOnlyFile(created);
    Path existing = Files.writeString(dir.resolve("old.log"), "kept");
    Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rw-r--r--"));
    FileAccess.createOwnerOnlyFile(existing);

    assertThat(FileAccess.mode(created)).isEqualTo(0600);
    assertThat(FileAccess.mode(existing)).isEqualTo(0600);
    assertThat(existing).hasContent("kept");
  }
}

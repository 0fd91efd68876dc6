package dev.toygres.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAccessTest {

  @TempDir Path dir;

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

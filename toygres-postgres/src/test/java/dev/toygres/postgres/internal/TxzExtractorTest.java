package dev.toygres.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TxzExtractorTest {

  @Test
  void keepsExecBitsAndSymlinks(@TempDir Path dir) throws IOException {
    byte[] txz =
        new TestArchives()
            .dir("bin")
            .file("bin/postgres", 0755, "#!/bin/sh\n")
            .dir("lib")
            .file("lib/libfoo.so.1.2", 0644, "lib")
            .symlink("lib/libfoo.so.1", "libfoo.so.1.2")
            .build();

    TxzExtractor.extract(new ByteArrayInputStream(txz), dir);

    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("bin/postgres"))))
        .isEqualTo("rwxr-xr-x");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("lib/libfoo.so.1.2"))))
        .isEqualTo("rw-r--r--");
    assertThat(Files.isSymbolicLink(dir.resolve("lib/libfoo.so.1"))).isTrue();
    assertThat(Files.readSymbolicLink(dir.resolve("lib/libfoo.so.1")))
        .isEqualTo(Path.of("libfoo.so.1.2"));
    assertThat(Files.readString(dir.resolve("lib/libfoo.so.1"))).isEqualTo("lib");
  }

  @Test
  void rejectsEntriesEscapingTheTarget(@TempDir Path dir) throws IOException {
    byte[] traversal = new TestArchives().file("../evil", 0644, "x").build();
    assertThatThrownBy(
            () -> TxzExtractor.extract(new ByteArrayInputStream(traversal), dir.resolve("t")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("escapes");

    byte[] badLink = new TestArchives().symlink("passwd", "/etc/passwd").build();
    assertThatThrownBy(() -> TxzExtractor.extract(new ByteArrayInputStream(badLink), dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("escapes");

    byte[] upLink = new TestArchives().symlink("lib/up", "../../x").build();
    assertThatThrownBy(() -> TxzExtractor.extract(new ByteArrayInputStream(upLink), dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("escapes");
  }

  @Test
  void convertsModeBits() {
    assertThat(PosixFilePermissions.toString(TxzExtractor.permissions(0750)))
        .isEqualTo("rwxr-x---");
    assertThat(PosixFilePermissions.toString(TxzExtractor.permissions(0))).isEqualTo("rw-------");
  }
}

package dev.toygres.postgres.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/** Builds small tar.xz archives in memory for tests. */
final class TestArchives {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final XZCompressorOutputStream xz;
  private final TarArchiveOutputStream tar;

  TestArchives() throws IOException {
    xz = new XZCompressorOutputStream(bytes);
    tar = new TarArchiveOutputStream(xz);
  }

  TestArchives dir(String name) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
    entry.setMode(0755);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
    return this;
  }

  TestArchives file(String name, int mode, String content) throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode(mode);
    entry.setSize(data.length);
    tar.putArchiveEntry(entry);
    tar.write(data);
    tar.closeArchiveEntry();
    return this;
  }

  TestArchives symlink(String name, String target) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
    entry.setLinkName(target);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
    return this;
  }

  byte[] build() throws IOException {
    tar.close();
    return bytes.toByteArray();
  }
}

package dev.toygres.controlplane.backupstore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Sizes and SHA-256 of a base backup's files, and checks against its manifest. */
public final class FileHashes {
  private FileHashes() {}

  /** Every regular file under {@code dir}, with its size and SHA-256, sorted by path. */
  public static List<BackupFile> list(Path dir) throws IOException {
    List<BackupFile> out = new ArrayList<>();
    for (Path f : regularFiles(dir)) {
      try (InputStream in = Files.newInputStream(f)) {
        DigestInputStream d = new DigestInputStream(in, sha256());
        long size = d.transferTo(OutputStream.nullOutputStream());
        out.add(new BackupFile(relative(dir, f), size, hex(d.getMessageDigest())));
      }
    }
    return out;
  }

  /**
   * What differs between the files under {@code dir} and {@code expected}: missing, extra, size,
   * SHA-256, one line each ({@code "data/base/5/1259: SHA-256 differs"}); empty when they match.
   *
   * @param prefix put before each path in the lines ({@code "data/"})
   */
  public static List<String> problems(Path dir, List<BackupFile> expected, String prefix)
      throws IOException {
    Map<String, BackupFile> want =
        expected.stream()
            .collect(
                Collectors.toMap(BackupFile::path, Function.identity(), (a, b) -> a, TreeMap::new));
    List<String> problems = new ArrayList<>();
    Map<String, BackupFile> found = new TreeMap<>();
    if (Files.isDirectory(dir)) {
      for (BackupFile f : list(dir)) {
        found.put(f.path(), f);
      }
    }
    for (BackupFile w : want.values()) {
      BackupFile f = found.get(w.path());
      if (f == null) {
        problems.add(prefix + w.path() + ": missing");
      } else if (f.size() != w.size()) {
        problems.add(prefix + w.path() + ": size " + f.size() + " instead of " + w.size());
      } else if (!f.sha256().equals(w.sha256())) {
        problems.add(prefix + w.path() + ": SHA-256 differs");
      }
    }
    found.keySet().stream()
        .filter(p -> !want.containsKey(p))
        .forEach(p -> problems.add(prefix + p + ": not in the manifest"));
    return problems;
  }

  /**
   * Copies {@code from} to the new file {@code to}, hashing what it copies.
   *
   * @return the SHA-256 of the bytes copied, lower-case hex
   */
  public static String copy(Path from, Path to) throws IOException {
    try (InputStream in = Files.newInputStream(from);
        OutputStream out = Files.newOutputStream(to)) {
      DigestInputStream d = new DigestInputStream(in, sha256());
      d.transferTo(out);
      return hex(d.getMessageDigest());
    }
  }

  /** The regular files under {@code dir} (links are not followed), sorted. */
  public static List<Path> regularFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .sorted(Comparator.comparing(p -> relative(dir, p)))
          .toList();
    }
  }

  /** {@code file}'s path under {@code dir}, with {@code /}. */
  public static String relative(Path dir, Path file) {
    return dir.relativize(file).toString().replace('\\', '/');
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(MessageDigest d) {
    return HexFormat.of().formatHex(d.digest());
  }
}

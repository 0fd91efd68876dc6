package dev.toygres.controlplane.config;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The metadata database's URL as the server is given it: whether it carries a password, and reading
 * it from a file. Both URL forms the server accepts are understood: {@code
 * postgresql://user:password@host/db} and {@code jdbc:postgresql://host/db?password=...}. No method
 * here puts a URL into a message.
 */
public final class DatabaseUrls {
  private static final Set<String> PASSWORD_PARAMETERS = Set.of("password", "sslpassword");
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  private DatabaseUrls() {}

  /**
   * Whether {@code url} carries a password: in its user info ({@code user:password@}, an empty
   * password not counted) or as a {@code password} or {@code sslpassword} parameter of its query.
   * When in doubt (an {@code @} in an odd place) it says yes.
   */
  public static boolean hasPassword(String url) {
    if (url == null) {
      return false;
    }
    String u = url.strip();
    int scheme = u.indexOf("://");
    String rest = scheme < 0 ? u : u.substring(scheme + 3);
    int query = rest.indexOf('?');
    String beforeQuery = query < 0 ? rest : rest.substring(0, query);
    int at = beforeQuery.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = beforeQuery.substring(0, at);
      int colon = userInfo.indexOf(':');
      if (colon >= 0 && colon < userInfo.length() - 1) {
        return true;
      }
    }
    if (query < 0) {
      return false;
    }
    String q = rest.substring(query + 1);
    int fragment = q.indexOf('#');
    for (String pair : (fragment < 0 ? q : q.substring(0, fragment)).split("[&;]")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
      if (PASSWORD_PARAMETERS.contains(key) && eq >= 0 && eq < pair.length() - 1) {
        return true;
      }
    }
    return false;
  }

  /**
   * The URL in {@code file}: its first non-blank line, stripped. Warns through {@code warnings}
   * (without failing) if the file's group or other users may read or write it.
   *
   * @throws ConfigurationException if the file is missing, unreadable or holds no URL
   */
  public static String fromFile(Path file, Consumer<String> warnings) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigurationException("--database-url-file: " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new ConfigurationException(
          "--database-url-file: cannot read " + file + " (permission denied)");
    } catch (IOException e) {
      throw new ConfigurationException(
          "--database-url-file: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    String url =
        text.lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty())
            .findFirst()
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        "--database-url-file: "
                            + file
                            + " holds no database URL (put it on the first line)"));
    warnIfShared(file, warnings);
    return url;
  }

  private static void warnIfShared(Path file, Consumer<String> warnings) {
    Set<PosixFilePermission> mode;
    try {
      mode = Files.getPosixFilePermissions(file);
    } catch (IOException | UnsupportedOperationException e) {
      return;
    }
    if (mode.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
      warnings.accept(
          file
              + " (--database-url-file) may be read or changed by other users, and a database URL"
              + " may carry a password: chmod 600 "
              + file);
    }
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return s;
    }
  }
}

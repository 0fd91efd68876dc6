package dev.toygres.controlplane.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Request paths as the access rules and the audit log see them: percent-decoded, path parameters
 * ({@code ;x}) dropped, repeated and trailing slashes removed. Decisions are made on this form, so
 * no spelling of a path reaches a route the rules did not mean to let through.
 */
final class ApiPaths {
  private ApiPaths() {}

  /** The normalized path; lower-cased when {@code lowerCase}. */
  static String normalize(String rawPath, boolean lowerCase) {
    String p = rawPath == null ? "" : rawPath.replaceAll(";[^/]*", "");
    p = decode(p).replaceAll("/+", "/");
    if (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (!p.startsWith("/")) {
      p = "/" + p;
    }
    return lowerCase ? p.toLowerCase(Locale.ROOT) : p;
  }

  /** The normalized path's segments, without the empty first one. */
  static List<String> segments(String rawPath) {
    String p = normalize(rawPath, false);
    return p.equals("/") ? List.of() : Arrays.asList(p.substring(1).split("/"));
  }

  /** Whether the path is under {@code prefix} (a normalized, lower-case path) or is it. */
  static boolean isUnder(String rawPath, String prefix) {
    String p = normalize(rawPath, true);
    return p.equals(prefix) || p.startsWith(prefix + "/");
  }

  static boolean isRead(String method) {
    return "GET".equals(method) || "HEAD".equals(method);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return s;
    }
  }
}

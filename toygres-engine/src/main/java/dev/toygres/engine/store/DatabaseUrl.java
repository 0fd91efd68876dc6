package dev.toygres.engine.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A PostgreSQL location as JDBC wants it. Parses both {@code
 * jdbc:postgresql://host:port/db?user=..} and libpq-style {@code
 * postgres[ql]://user:password@host:port/db} (the usual {@code DATABASE_URL}). The password never
 * appears in {@link #toString()}.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {
  public DatabaseUrl {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
  }

  /** Parses a URL; throws {@link IllegalArgumentException} with the reason if it is not one. */
  public static DatabaseUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("database URL is empty");
    }
    String u = url.trim();
    if (u.startsWith("jdbc:postgresql:")) {
      return new DatabaseUrl(u, null, null);
    }
    if (!u.startsWith("postgres://") && !u.startsWith("postgresql://")) {
      throw new IllegalArgumentException(
          "database URL must start with postgresql://, postgres:// or jdbc:postgresql:// (got '"
              + redact(u)
              + "')");
    }
    URI uri;
    try {
      uri = URI.create(u.replaceFirst("^postgres(ql)?://", "http://"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("database URL is malformed: " + redact(u), e);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("database URL has no host: " + redact(u));
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    String db =
        uri.getPath() == null || uri.getPath().length() <= 1
            ? "postgres"
            : uri.getPath().substring(1);
    String jdbc =
        "jdbc:postgresql://"
            + uri.getHost()
            + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
            + "/"
            + db
            + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
    return new DatabaseUrl(jdbc, user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String redact(String u) {
    return u.replaceAll("://([^:@/]+):[^@/]*@", "://$1:***@");
  }

  @Override
  public String toString() {
    return "DatabaseUrl[" + jdbcUrl + (user != null ? ", user=" + user : "") + "]";
  }
}

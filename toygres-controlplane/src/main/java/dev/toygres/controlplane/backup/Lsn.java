package dev.toygres.controlplane.backup;

import dev.toygres.controlplane.InvalidRequestException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PostgreSQL log sequence numbers as text ({@code 0/2000028}) and as numbers, to compare them. */
public final class Lsn {
  private static final Pattern TEXT = Pattern.compile("([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})");

  private Lsn() {}

  /** Whether {@code s} is an LSN as PostgreSQL writes it. */
  public static boolean valid(String s) {
    return s != null && TEXT.matcher(s.strip()).matches();
  }

  /** The LSN as a number; an {@link InvalidRequestException} on {@code field} if it is not one. */
  public static long parse(String s, String field) {
    Matcher m = s == null ? null : TEXT.matcher(s.strip());
    if (m == null || !m.matches()) {
      throw new InvalidRequestException(
          field,
          field + " must be an LSN as PostgreSQL writes it (e.g. 0/3000060), was '" + s + "'");
    }
    return (Long.parseLong(m.group(1), 16) << 32) | Long.parseLong(m.group(2), 16);
  }

  /** {@code 0/2000028}. */
  public static String format(long lsn) {
    return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT)
        + "/"
        + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
  }
}

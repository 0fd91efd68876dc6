package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.InvalidRequestException;

/** PostgreSQL log sequence numbers as written ({@code 16/B374D848}). */
final class Lsn {
  private Lsn() {}

  /**
   * The LSN as a number.
   *
   * @throws InvalidRequestException if {@code text} is not an LSN
   */
  static long parse(String text) {
    if (text == null || !text.matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
      throw new InvalidRequestException(
          "to_lsn", "'" + text + "' is not an LSN (write it as PostgreSQL does: 0/3000148)");
    }
    int slash = text.indexOf('/');
    return (Long.parseLong(text.substring(0, slash), 16) << 32)
        | Long.parseLong(text.substring(slash + 1), 16);
  }
}

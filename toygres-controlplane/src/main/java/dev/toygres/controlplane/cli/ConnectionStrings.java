package dev.toygres.controlplane.cli;

/** Connection strings: the server masks the password; the CLI puts back the one the user typed. */
final class ConnectionStrings {
  private ConnectionStrings() {}

  /**
   * {@code postgresql://user:****@host:port/db} with {@code ****} replaced by the percent-encoded
   * password, so that {@code psql "<result>"} connects; null stays null.
   */
  static String withPassword(String masked, String password) {
    if (masked == null) {
      return null;
    }
    int scheme = masked.indexOf("://");
    int at = masked.indexOf('@', scheme + 3);
    if (scheme < 0 || at < 0) {
      return masked;
    }
    String userInfo = masked.substring(scheme + 3, at);
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
    return masked.substring(0, scheme + 3)
        + user
        + ":"
        + PercentEncoding.encode(password)
        + masked.substring(at);
  }
}

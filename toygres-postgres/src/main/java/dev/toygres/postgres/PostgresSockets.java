package dev.toygres.postgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Unix-domain sockets of PostgreSQL servers: where a server's socket is, and JDBC URLs that connect
 * through it (with junixsocket's socket factory for the PostgreSQL JDBC driver).
 *
 * <p>Going through a socket in a directory that only the server's OS user (and root) may enter
 * means that no other local process can pose as the server, as one could by binding its TCP port
 * while it is down, and receive a password.
 */
public final class PostgresSockets {

  /**
   * The longest socket path Linux accepts, in bytes: {@code sun_path} holds 108 bytes including the
   * terminating NUL.
   */
  public static final int MAX_SOCKET_PATH_BYTES = 107;

  /** junixsocket's socket factory that connects to the socket file given as its argument. */
  static final String SOCKET_FACTORY = "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg";

  private PostgresSockets() {}

  /**
   * Returns the socket file of a server: {@code <socketDir>/.s.PGSQL.<port>}.
   *
   * @param socketDir the server's Unix socket directory (made absolute)
   * @param port the server's port, 1 to 65535
   * @return the socket file's absolute path
   * @throws IllegalArgumentException if the port is out of range or the path is longer than {@value
   *     #MAX_SOCKET_PATH_BYTES} bytes (Linux cannot bind or connect to such a socket)
   */
  public static Path socketFile(Path socketDir, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    Path file = socketDir.toAbsolutePath().normalize().resolve(".s.PGSQL." + port);
    int length = file.toString().getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_SOCKET_PATH_BYTES) {
      throw new IllegalArgumentException(
          "The Unix socket path "
              + file
              + " is "
              + length
              + " bytes long, but Linux allows at most "
              + MAX_SOCKET_PATH_BYTES
              + "; use a shorter socket directory.");
    }
    return file;
  }

  /**
   * Returns a JDBC URL for the PostgreSQL JDBC driver that connects through the server's Unix
   * socket: {@code
   * jdbc:postgresql://localhost/<database>?socketFactory=org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg&socketFactoryArg=<socket
   * file>&sslmode=disable}. The host name is not used for connecting; user and password are not
   * part of the URL. Needs junixsocket (a dependency of this module) on the class path.
   *
   * @param socketDir the server's Unix socket directory
   * @param port the server's port, which names the socket file
   * @param database the database name, for example "postgres"
   * @return the URL
   * @throws IllegalArgumentException as {@link #socketFile(Path, int)}
   */
  public static String jdbcUrl(Path socketDir, int port, String database) {
    return "jdbc:postgresql://localhost/"
        + encode(database)
        + "?socketFactory="
        + SOCKET_FACTORY
        + "&socketFactoryArg="
        + encode(socketFile(socketDir, port).toString())
        + "&sslmode=disable";
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}

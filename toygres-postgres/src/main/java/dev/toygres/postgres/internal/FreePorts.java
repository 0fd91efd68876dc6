package dev.toygres.postgres.internal;

import dev.toygres.postgres.PostgresException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Finds free TCP ports on the loopback address. */
public final class FreePorts {

  private FreePorts() {}

  /** A port that was free on 127.0.0.1 a moment ago. */
  public static int pick() {
    try (ServerSocket socket = new ServerSocket(0, 1, loopback())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new PostgresException("Cannot find a free TCP port on 127.0.0.1: " + e.getMessage(), e);
    }
  }

  /** Whether {@code port} can be bound on 127.0.0.1 right now. */
  public static boolean isFree(int port) {
    if (port <= 0 || port > 65535) {
      return false;
    }
    try (ServerSocket socket = new ServerSocket(port, 1, loopback())) {
      return socket.getLocalPort() == port;
    } catch (IOException e) {
      return false;
    }
  }

  private static InetAddress loopback() throws IOException {
    return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
  }
}

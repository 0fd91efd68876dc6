package dev.toygres.controlplane.actor;

import dev.toygres.postgres.PostgresSockets;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Whether a server's postmaster still takes connections, without logging in: a kept connection is
 * served by its own backend process, which answers even while the postmaster is frozen or gone, so
 * a probe on a kept connection also asks the postmaster this. It connects to the server's Unix
 * socket and sends an SSL request; the postmaster forks a process for the connection, which answers
 * with one byte ('N': no SSL on a Unix socket) and, when the connection is then closed before any
 * startup packet, goes away without a word in the server's log. No password, no backend started, no
 * catalog read: a fork and a few bytes.
 */
final class PostmasterPing {
  private static final byte[] SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};

  private PostmasterPing() {}

  /**
   * Returns when the postmaster of the server at {@code socketDir} and {@code port} answered.
   *
   * @throws SocketTimeoutException if it did not within {@code timeout}
   * @throws IOException if it cannot be reached (no socket, refused) or answered nonsense
   */
  static void ping(Path socketDir, int port, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    UnixDomainSocketAddress address =
        UnixDomainSocketAddress.of(PostgresSockets.socketFile(socketDir, port));
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      ch.configureBlocking(false);
      if (!ch.connect(address)) {
        await(ch, selector, SelectionKey.OP_CONNECT, deadline);
        ch.finishConnect();
      }
      ByteBuffer out = ByteBuffer.wrap(SSL_REQUEST);
      while (out.hasRemaining()) {
        if (ch.write(out) == 0) {
          await(ch, selector, SelectionKey.OP_WRITE, deadline);
        }
      }
      ByteBuffer in = ByteBuffer.allocate(1);
      while (in.hasRemaining()) {
        int n = ch.read(in);
        if (n < 0) {
          throw new IOException("the postmaster closed the connection without answering");
        }
        if (n == 0) {
          await(ch, selector, SelectionKey.OP_READ, deadline);
        }
      }
      byte answer = in.get(0);
      if (answer != 'N' && answer != 'S') {
        throw new IOException("the postmaster answered an SSL request with byte " + answer);
      }
    }
  }

  private static void await(SocketChannel ch, Selector selector, int op, long deadline)
      throws IOException {
    SelectionKey key = ch.register(selector, op);
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new SocketTimeoutException("the postmaster did not answer in time");
        }
        if (selector.select(Math.max(1, left / 1_000_000)) > 0) {
          return;
        }
      }
    } finally {
      key.cancel();
      selector.selectNow();
    }
  }
}

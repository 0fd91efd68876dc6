package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The postmaster ping against a real Unix socket that plays the postmaster's part: it must read the
 * whole SSL request, and it tells an answer from silence (a frozen postmaster) and from no listener
 * at all (a dead one).
 */
class PostmasterPingTest {
  private static final int PORT = 55499;
  @TempDir Path dir;
  private final ExecutorService listener = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    listener.shutdownNow();
  }

  private ServerSocketChannel listen() throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(dir.resolve(".s.PGSQL." + PORT)));
    return s;
  }

  /**
   * Accepts one connection, reads the 8-byte request, answers {@code reply}; returns the request.
   */
  private Future<byte[]> answer(ServerSocketChannel s, byte reply) {
    return listener.submit(
        () -> {
          try (SocketChannel c = s.accept()) {
            ByteBuffer in = ByteBuffer.allocate(8);
            while (in.hasRemaining() && c.read(in) >= 0) {
              // read the whole request
            }
            c.write(ByteBuffer.wrap(new byte[] {reply}));
            return in.array();
          }
        });
  }

  @Test
  void aPostmasterThatAnswersTheSslRequestIsAlive() throws Exception {
    try (ServerSocketChannel s = listen()) {
      Future<byte[]> request = answer(s, (byte) 'N');

      assertThatCode(() -> PostmasterPing.ping(dir, PORT, Duration.ofSeconds(5)))
          .doesNotThrowAnyException();

      assertThat(request.get()).containsExactly(0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f);
    }
  }

  @Test
  void aPostmasterThatAcceptsButNeverAnswersTimesOut() throws Exception {
    try (ServerSocketChannel s = listen()) {
      assertThatThrownBy(() -> PostmasterPing.ping(dir, PORT, Duration.ofMillis(300)))
          .isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void noPostmasterOnTheSocketFailsAtOnceWithoutATimeout() throws Exception {
    listen().close();

    assertThatThrownBy(() -> PostmasterPing.ping(dir, PORT, Duration.ofSeconds(30)))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void anAnswerThatIsNotAnSslAnswerIsAnError() throws Exception {
    try (ServerSocketChannel s = listen()) {
      answer(s, (byte) 'E');

      assertThatThrownBy(() -> PostmasterPing.ping(dir, PORT, Duration.ofSeconds(5)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("answered");
    }
  }
}

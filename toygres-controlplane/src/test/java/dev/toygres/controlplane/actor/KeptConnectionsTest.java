package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The probes' kept connections, with a clock the test moves and their lives' draw set by the test
 * (0: the whole maximum age): given out once per probe, opened again when old or when the secret
 * changed, closed when idle, bounded.
 */
class KeptConnectionsTest {
  /** A connection that only knows whether it was closed. */
  static final class Conn implements AutoCloseable {
    boolean closed;

    @Override
    public void close() {
      closed = true;
    }
  }

  private static final KeptConnections.Server A =
      new KeptConnections.Server(
          UUID.fromString("00000000-0000-0000-0000-00000000000a"), "/run/a", 5432);
  private static final KeptConnections.Server B =
      new KeptConnections.Server(
          UUID.fromString("00000000-0000-0000-0000-00000000000b"), "/run/b", 5433);
  private final AtomicLong now = new AtomicLong();
  private double spread;
  private final KeptConnections<Conn> kept =
      new KeptConnections<>(
          Duration.ofMinutes(5), Duration.ofMinutes(3), 2, now::get, () -> spread);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void aConnectionGivenBackIsTheOneTheNextProbeTakes() {
    Conn c = new Conn();
    kept.keep(A, kept.opened(c, "pw"));

    KeptConnections.Kept<Conn> k = kept.take(A, "pw");

    assertThat(k.connection()).isSameAs(c);
    assertThat(kept.take(A, "pw")).as("taken out: a second probe at once opens its own").isNull();
    assertThat(c.closed).isFalse();
  }

  @Test
  void aConnectionOpenedFiveMinutesAgoIsClosedInsteadOfGivenOut() {
    Conn c = new Conn();
    KeptConnections.Kept<Conn> k = kept.opened(c, "pw");
    advance(Duration.ofMinutes(2));
    kept.keep(A, k);
    assertThat(kept.take(A, "pw")).isNotNull();
    kept.keep(A, k);

    advance(Duration.ofMinutes(3));

    assertThat(kept.take(A, "pw")).isNull();
    assertThat(c.closed).isTrue();
  }

  @Test
  void aConnectionLivesBetweenHalfTheMaxAgeAndTheMaxAgeAsDrawn() {
    spread = 0.5;
    Conn c = new Conn();
    kept.keep(A, kept.opened(c, "pw"));
    advance(Duration.ofSeconds(120));
    kept.keep(A, kept.take(A, "pw"));
    advance(Duration.ofSeconds(104));
    kept.keep(A, kept.take(A, "pw"));

    advance(Duration.ofSeconds(1));

    assertThat(kept.take(A, "pw")).as("3 min 45 s: its life").isNull();
    assertThat(c.closed).isTrue();
  }

  @Test
  void connectionsOpenedTogetherAreNotAllOpenedAgainTogether() {
    KeptConnections<Conn> drawn =
        new KeptConnections<>(Duration.ofMinutes(5), Duration.ofMinutes(3), 1000, now::get);
    List<Long> lives = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      lives.add(drawn.opened(new Conn(), "pw").lifeNanos());
    }

    assertThat(lives)
        .allSatisfy(
            l ->
                assertThat(l)
                    .isGreaterThan(Duration.ofSeconds(150).toNanos())
                    .isLessThanOrEqualTo(Duration.ofMinutes(5).toNanos()));
    // uniform over 150 s: a thousand draws all in one 15 s slice at either end has odds of 1e-46
    assertThat(Collections.min(lives)).isLessThan(Duration.ofSeconds(165).toNanos());
    assertThat(Collections.max(lives)).isGreaterThan(Duration.ofSeconds(285).toNanos());
  }

  @Test
  void aConnectionOpenedWithAnotherSecretIsNotUsed() {
    Conn c = new Conn();
    kept.keep(A, kept.opened(c, "old"));

    assertThat(kept.take(A, "new")).isNull();
    assertThat(c.closed).isTrue();
  }

  @Test
  void aConnectionUnusedForTheIdleTimeIsClosedByTheNextSweep() {
    Conn idle = new Conn();
    Conn busy = new Conn();
    kept.keep(A, kept.opened(idle, "pw"));
    kept.keep(B, kept.opened(busy, "pw"));
    advance(Duration.ofMinutes(2));
    kept.keep(B, kept.take(B, "pw"));
    advance(Duration.ofMinutes(1));

    assertThat(kept.sweep()).isEqualTo(1);

    assertThat(idle.closed).isTrue();
    assertThat(busy.closed).isFalse();
    assertThat(kept.size()).isEqualTo(1);
  }

  @Test
  void sweepsHappenOnTheirOwnAsProbesComeAndGo() {
    Conn idle = new Conn();
    kept.keep(A, kept.opened(idle, "pw"));
    advance(Duration.ofMinutes(4));

    assertThat(kept.take(B, "pw")).isNull();

    assertThat(idle.closed).isTrue();
    assertThat(kept.size()).isZero();
  }

  @Test
  void beyondTheLimitAConnectionIsClosedNotKept() {
    kept.keep(A, kept.opened(new Conn(), "pw"));
    kept.keep(B, kept.opened(new Conn(), "pw"));
    Conn third = new Conn();

    kept.keep(
        new KeptConnections.Server(UUID.randomUUID(), "/run/c", 5434), kept.opened(third, "pw"));

    assertThat(third.closed).isTrue();
    assertThat(kept.size()).isEqualTo(2);
  }

  @Test
  void aSecondConnectionGivenBackForOneServerIsClosed() {
    Conn first = new Conn();
    Conn second = new Conn();
    kept.keep(A, kept.opened(first, "pw"));

    kept.keep(A, kept.opened(second, "pw"));

    assertThat(second.closed).isTrue();
    assertThat(kept.take(A, "pw").connection()).isSameAs(first);
  }

  @Test
  void forgettingAndClosingCloseWhatIsKept() {
    Conn a = new Conn();
    Conn b = new Conn();
    kept.keep(A, kept.opened(a, "pw"));
    kept.keep(B, kept.opened(b, "pw"));

    kept.forget(A);
    assertThat(a.closed).isTrue();
    kept.close();

    assertThat(b.closed).isTrue();
    assertThat(kept.size()).isZero();
  }
}

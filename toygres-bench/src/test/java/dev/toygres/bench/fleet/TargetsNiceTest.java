package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TargetsNiceTest {
  @Test
  void readsTheNicenessFromAStatLineWhoseNameHasSpacesAndParentheses() {
    String line =
        "4242 (postgres: a (b) c) S 1 4242 4242 0 -1 4194560 120 0 0 0 3 1 0 0 39 19 1 0 77"
            + " 180000 300 18446744073709551615";

    assertThat(TargetsNice.parseNice(line)).isEqualTo(19);
  }

  /** A shell with a child stands for a postmaster with its backends. */
  @Test
  void everyProcessOfTheTreeGetsTheNicenessAndAChildStartedLaterInheritsIt() throws Exception {
    Process sh =
        new ProcessBuilder("sh", "-c", "sleep 60 & read line; sleep 60 & wait")
            .redirectErrorStream(true)
            .start();
    try {
      long first = awaitChildren(sh, 1).get(0);

      int set = TargetsNice.apply(List.of(sh.pid()), 7);

      assertThat(set).isEqualTo(2);
      assertThat(TargetsNice.niceOf(sh.pid())).isEqualTo(7);
      assertThat(TargetsNice.niceOf(first)).isEqualTo(7);
      assertThat(TargetsNice.niceOf(ProcessHandle.current().pid())).isZero();
      sh.getOutputStream().write('\n');
      sh.getOutputStream().flush();
      List<Long> both = awaitChildren(sh, 2);
      for (long child : both) {
        assertThat(TargetsNice.niceOf(child)).isEqualTo(7);
      }
    } finally {
      try (Stream<ProcessHandle> d = sh.descendants()) {
        d.forEach(ProcessHandle::destroyForcibly);
      }
      sh.destroyForcibly();
      sh.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void refusesANicenessOutsideOneToNineteenAndAProcessThatIsGone() {
    assertThatThrownBy(() -> TargetsNice.apply(List.of(ProcessHandle.current().pid()), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("niceness must be between 1 and 19: 0");
    assertThatThrownBy(() -> TargetsNice.apply(List.of(Long.MAX_VALUE), 5))
        .hasMessageContaining("is gone");
  }

  private static List<Long> awaitChildren(Process p, int n) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      List<Long> children;
      try (Stream<ProcessHandle> c = p.children()) {
        children = c.map(ProcessHandle::pid).toList();
      }
      if (children.size() >= n) {
        return children;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(n + " children of " + p.pid() + " did not start");
  }
}

package dev.toygres.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessesTest {

  @Test
  void seesLiveAndFinishedProcesses(@TempDir Path dir) throws Exception {
    long self = ProcessHandle.current().pid();
    assertThat(Processes.isAlive(self)).isTrue();
    assertThat(Processes.isPostgresFor(self, dir)).isFalse();

    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    assertThat(Processes.awaitExit(finished.pid(), Duration.ofSeconds(5))).isTrue();
    assertThat(Processes.isAlive(finished.pid())).isFalse();
  }

  @Test
  void refusesToSignalInitOrNonsense() {
    assertThatThrownBy(() -> Processes.signal(1, "INT"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Processes.signal(0, "INT"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

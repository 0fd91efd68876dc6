package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcCpuTest {
  @Test
  void machineBusyIsEverythingButIdleAndIowait() {
    ProcCpu.Machine m = ProcCpu.parseMachine("cpu  100 5 50 1000 20 3 2 1 40 0");
    assertThat(m.total()).isEqualTo(100 + 5 + 50 + 1000 + 20 + 3 + 2 + 1);
    assertThat(m.busy()).isEqualTo(100 + 5 + 50 + 3 + 2 + 1);
  }

  @Test
  void statLineIsReadWhenTheCommandNameHasSpacesAndParentheses() {
    String line =
        "4242 (postgres: (x) y) S 4200 4242 4242 0 -1 4194560 900 0 0 0 "
            + "70 30 5 7 20 0 1 0 123 0 0";
    ProcCpu.Stat s = ProcCpu.parseStat(line);
    assertThat(s.pid()).isEqualTo(4242);
    assertThat(s.ppid()).isEqualTo(4200);
    assertThat(s.ticks()).isEqualTo(70 + 30 + 5 + 7);
  }

  @Test
  void aTreeSumsTheRootAndAllItsDescendantsOnly() {
    List<ProcCpu.Stat> stats =
        List.of(
            new ProcCpu.Stat(1, 0, 1000),
            new ProcCpu.Stat(10, 1, 100),
            new ProcCpu.Stat(11, 10, 20),
            new ProcCpu.Stat(12, 10, 3),
            new ProcCpu.Stat(13, 11, 4),
            new ProcCpu.Stat(20, 1, 500));
    assertThat(ProcCpu.sumTree(stats, 10)).isEqualTo(127);
    assertThat(ProcCpu.sumTree(stats, 99)).isEqualTo(-1);
  }

  @Test
  void readsThisMachinesCountersFromProc() {
    // on Linux /proc is there; elsewhere the figures are -1 and printed as n/a
    ProcCpu.Machine m = ProcCpu.machine();
    if (m.total() >= 0) {
      assertThat(m.busy()).isBetween(0L, m.total());
      assertThat(ProcCpu.tree(ProcessHandle.current().pid())).isPositive();
    }
  }
}

package dev.toygres.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toygres.postgres.OsUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunAsTest {

  @Test
  void setprivSwitchesUidAndGidAndDropsGroupsAndNewPrivileges() {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/setpriv"))
            || Files.isExecutable(Path.of("/bin/setpriv")),
        "setpriv (util-linux) not installed");
    List<String> wrapped = RunAs.setpriv(new OsUser("pg", 998, 996), List.of("/pg/bin/postgres"));
    assertThat(Path.of(wrapped.get(0)).getFileName().toString()).isEqualTo("setpriv");
    assertThat(wrapped.subList(1, wrapped.size()))
        .containsExactly(
            "--reuid=998",
            "--regid=996",
            "--clear-groups",
            "--no-new-privs",
            "--",
            "/pg/bin/postgres");
  }
}

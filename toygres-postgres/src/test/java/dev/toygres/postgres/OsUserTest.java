package dev.toygres.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OsUserTest {

  @Test
  void acceptsOnlySaneUserNames() {
    for (String name : new String[] {"toygres-pg", "postgres", "_apt", "svc.user", "1000", "m$"}) {
      assertThat(new OsUser(name, 1, 1).name()).isEqualTo(name);
    }
    for (String name :
        new String[] {"", "-rf", ".hidden", "a b", "a:b", "a/b", "x;id", "n\n", "a".repeat(33)}) {
      assertThatThrownBy(() -> new OsUser(name, 1, 1))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> new OsUser("x", -1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OsUser.find("bad name")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void currentIsTheEffectiveUserOfThisProcess() throws Exception {
    OsUser me = OsUser.current();
    String status = Files.readString(Path.of("/proc/self/status"));
    assertThat(status).containsPattern("(?m)^Uid:\\s+\\d+\\s+" + me.uid() + "\\s");
    assertThat(status).containsPattern("(?m)^Gid:\\s+\\d+\\s+" + me.gid() + "\\s");
    assertThat(me.isRoot()).isEqualTo(me.uid() == 0);
    OsUser.find(me.name()).ifPresent(found -> assertThat(found.uid()).isEqualTo(me.uid()));
  }

  @Test
  void findsUsersByNameOnly() {
    assertThat(OsUser.find("root")).contains(new OsUser("root", 0, 0));
    assertThat(OsUser.find("no-such-user-toygres")).isEmpty();
    assertThat(OsUser.find("0")).as("a uid is not a name").isEmpty();
  }
}

package dev.toygres.controlplane.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerRolesTest {

  @TempDir Path tmp;

  @Test
  void anInstanceWithoutRolesFileHasServerZeroAsItsPrimaryAndNothingFenced() {
    assertThat(ServerRoles.read(new InstanceDir(tmp))).isEqualTo(ServerRoles.INITIAL);
    assertThat(ServerRoles.INITIAL.primary()).isZero();
    assertThat(ServerRoles.INITIAL.fenced()).isEmpty();
  }

  @Test
  void rolesWrittenAreReadBackAndLeaveNoTemporaryFile() throws Exception {
    InstanceDir dir = new InstanceDir(tmp);
    ServerRoles roles = ServerRoles.INITIAL.withFenced(0, true).withPrimary(2).withRemoved(1, true);
    roles.write(dir);

    assertThat(ServerRoles.read(dir)).isEqualTo(roles);
    assertThat(ServerRoles.read(dir).fenced()).containsExactly(0);
    assertThat(ServerRoles.read(dir).removed()).containsExactly(1);
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("roles.json");
    }
  }

  @Test
  void promotingARemovedServerClearsItsRemovalAndFencesAreASet() {
    ServerRoles roles = new ServerRoles(0, List.of(3, 1, 3), List.of(2));
    assertThat(roles.fenced()).containsExactly(1, 3);
    assertThat(roles.withPrimary(2).removed()).isEmpty();
    assertThat(roles.withFenced(1, false).fenced()).containsExactly(3);
    assertThat(roles.isFenced(3)).isTrue();
    assertThat(roles.isRemoved(2)).isTrue();
  }
}

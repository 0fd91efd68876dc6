package dev.toygres.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.postgres.OsUser;
import org.junit.jupiter.api.Test;

class OsUsersTest {

  @Test
  void parsesPasswdLines() {
    assertThat(OsUsers.parsePasswd("toygres-pg:x:998:996::/nonexistent:/usr/sbin/nologin\n"))
        .contains(new OsUser("toygres-pg", 998, 996));
    assertThat(OsUsers.parsePasswd("root:x:0:0:root:/root:/bin/bash"))
        .contains(new OsUser("root", 0, 0));
    assertThat(OsUsers.parsePasswd("")).isEmpty();
    assertThat(OsUsers.parsePasswd("x:y")).isEmpty();
    assertThat(OsUsers.parsePasswd("x:x:abc:0::/:/bin/sh")).isEmpty();
    assertThat(OsUsers.parsePasswd("bad name:x:1:1::/:/bin/sh")).isEmpty();
  }

  @Test
  void readsEffectiveIdsFromStatus() {
    String status = "Name:\tjava\nUid:\t1000\t0\t0\t0\nGid:\t1001\t42\t42\t42\n";
    assertThat(OsUsers.effectiveId(status, "Uid:")).isZero();
    assertThat(OsUsers.effectiveId(status, "Gid:")).isEqualTo(42);
    assertThat(OsUsers.effectiveId("Name:\tx\n", "Gid:")).isEqualTo(-1);
  }
}

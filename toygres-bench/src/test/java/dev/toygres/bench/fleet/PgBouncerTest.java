package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PgBouncerTest {
  private static final PgBouncer.Config CONFIG =
      new PgBouncer.Config(
          Path.of("/data/poolers/pooler-1"),
          Path.of("/tmp/toygres-bench-42-pgb-1"),
          Path.of("/tmp/toygres-bench-42-1"),
          54321,
          3434,
          20);

  @Test
  void thePoolerServesTheControlDatabaseOfItsTargetThroughTheTargetsSocket() {
    assertThat(PgBouncer.ini(CONFIG))
        .contains("toygres = host=/tmp/toygres-bench-42-1 port=54321 dbname=toygres\n");
  }

  @Test
  void thePoolerListensOnItsUnixSocketOnlyAndPoolsTransactions() {
    String ini = PgBouncer.ini(CONFIG);

    assertThat(ini)
        .doesNotContain("listen_addr")
        .contains(
            "unix_socket_dir = /tmp/toygres-bench-42-pgb-1\n",
            "listen_port = 6432\n",
            "pool_mode = transaction\n",
            "max_client_conn = 3434\n",
            "default_pool_size = 20\n",
            "auth_type = scram-sha-256\n",
            "auth_file = /data/poolers/pooler-1/userlist.txt\n");
  }

  @Test
  void theProbesStartupOptionsAreAcceptedNotRefused() {
    assertThat(PgBouncer.ini(CONFIG))
        .contains("ignore_startup_parameters = extra_float_digits,options\n");
  }

  @Test
  void theUserListHoldsTheMonitoringRolesScramSecretNeverAPassword() {
    String secret = "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy";

    assertThat(PgBouncer.userlist(secret)).isEqualTo("\"toygres_monitor\" \"" + secret + "\"\n");
    assertThatThrownBy(() -> PgBouncer.userlist("plain-password"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

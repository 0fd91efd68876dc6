package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PgBouncerConfigTest {
  private static final PgBouncerConfig CONFIG =
      new PgBouncerConfig(
          Path.of("/data/poolers/pooler-1"),
          Path.of("/tmp/toygres-bench-42-pgb-1"),
          Path.of("/tmp/toygres-bench-42-1"),
          54321,
          3434,
          20);

  @Test
  void thePoolerServesTheControlDatabaseOfItsTargetThroughTheTargetsSocket() {
    assertThat(CONFIG.iniText())
        .contains("toygres = host=/tmp/toygres-bench-42-1 port=54321 dbname=toygres\n");
  }

  @Test
  void thePoolerListensOnItsUnixSocketOnlyAndPoolsTransactions() {
    String ini = CONFIG.iniText();

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
    assertThat(CONFIG.iniText())
        .contains("ignore_startup_parameters = extra_float_digits,options\n");
  }

  @Test
  void theUserListHoldsTheMonitoringRolesScramSecretNeverAPassword() {
    String secret = "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy";

    assertThat(PgBouncerConfig.userlist(secret))
        .isEqualTo("\"toygres_monitor\" \"" + secret + "\"\n");
    assertThatThrownBy(() -> PgBouncerConfig.userlist("plain-password"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.toygres.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PostgresSocketsTest {

  @Test
  void socketFileIsNamedAfterThePort() {
    assertThat(PostgresSockets.socketFile(Path.of("/run/toygres/i1"), 5432))
        .isEqualTo(Path.of("/run/toygres/i1/.s.PGSQL.5432"));
  }

  @Test
  void jdbcUrlGoesThroughJunixsocketToTheSocketFile() {
    assertThat(PostgresSockets.jdbcUrl(Path.of("/run/toygres/i 1"), 54321, "my db"))
        .isEqualTo(
            "jdbc:postgresql://localhost/my+db"
                + "?socketFactory=org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg"
                + "&socketFactoryArg=%2Frun%2Ftoygres%2Fi+1%2F.s.PGSQL.54321"
                + "&sslmode=disable");
  }

  @Test
  void rejectsSocketPathsLinuxCannotUse() {
    Path longest = Path.of("/" + "d".repeat(PostgresSockets.MAX_SOCKET_PATH_BYTES - 16));
    assertThat(PostgresSockets.socketFile(longest, 54321).toString())
        .hasSize(PostgresSockets.MAX_SOCKET_PATH_BYTES);
    Path tooLong = Path.of("/" + "d".repeat(PostgresSockets.MAX_SOCKET_PATH_BYTES - 15));
    assertThatThrownBy(() -> PostgresSockets.jdbcUrl(tooLong, 54321, "postgres"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("108 bytes long")
        .hasMessageContaining("at most 107");
    assertThatThrownBy(() -> PostgresSockets.socketFile(Path.of("/run"), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

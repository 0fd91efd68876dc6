package dev.toygres.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostgresServerBuilderTest {

  private static final PostgresInstallation FAKE =
      new PostgresInstallation(
          18, "18.1", Path.of("/nonexistent/bin"), PostgresInstallation.Source.MAVEN);

  @Test
  void rejectsInvalidConfiguration() {
    PostgresServerBuilder builder = PostgresServer.builder();
    assertThatThrownBy(() -> builder.setting("listen_addresses", "*"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.setting("port", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.setting("unix_socket_permissions", "0777"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.setting("a b", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.superuser("pg_admin"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.superuser("x;drop"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.port(70000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.password("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.password("a\nb")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.startupTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.installation(FAKE).build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void buildsAnUnstartedServer() {
    PostgresServer server =
        PostgresServer.builder().installation(FAKE).dataDir(Path.of("/srv/x/data")).build();
    assertThat(server.isRunning()).isFalse();
    assertThat(server.pid()).isEqualTo(-1);
    assertThat(server.host()).isEqualTo("127.0.0.1");
    assertThat(server.dataDir()).isEqualTo(Path.of("/srv/x/data"));
    server.stop(); // no-op
    assertThatThrownBy(
            () ->
                new PostgresInstallation(0, "x", Path.of("/b"), PostgresInstallation.Source.SYSTEM))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsASocketDirectoryWhoseSocketPathWouldBeTooLong() {
    PostgresServerBuilder builder =
        PostgresServer.builder()
            .installation(FAKE)
            .dataDir(Path.of("/srv/x/data"))
            .unixSocketDirectory(Path.of("/run/" + "s".repeat(90)));
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unix socket path /run/sss")
        .hasMessageContaining("at most 107");
  }

  @Test
  void socketIsKnownOnceStarted() {
    PostgresServer server =
        PostgresServer.builder()
            .installation(FAKE)
            .dataDir(Path.of("/srv/x/data"))
            .unixSocketDirectory(Path.of("/run/toygres/x"))
            .build();
    assertThat(server.socketDirectory()).isEqualTo(Path.of("/run/toygres/x"));
    assertThat(server.socketFile()).isNull();
    assertThatThrownBy(() -> server.socketJdbcUrl("postgres"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(server::reload)
        .isInstanceOf(PostgresException.class)
        .hasMessageContaining("not running");
  }

  @Test
  void runningAsAnotherUserNeedsRoot() {
    assumeFalse(OsUser.current().isRoot(), "this JVM is root, so it may run servers as anyone");
    PostgresServerBuilder builder =
        PostgresServer.builder()
            .installation(FAKE)
            .dataDir(Path.of("/srv/x/data"))
            .runAs(new OsUser("root", 0, 0));
    assertThatThrownBy(builder::build)
        .isInstanceOf(PostgresException.class)
        .hasMessageContaining("needs root");
  }

  @Test
  void jdbcUrlPointsAtLoopback() {
    PostgresServer server =
        PostgresServer.builder().installation(FAKE).dataDir(Path.of("/srv/x/data")).build();
    assertThat(server.jdbcUrl("toygres")).isEqualTo("jdbc:postgresql://127.0.0.1:0/toygres");
  }
}

package dev.toygres.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Servers (as this JVM's user) with a private Unix socket directory. */
class UnixSocketIT {

  @TempDir Path dir;

  private final List<PostgresServer> servers = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    servers.forEach(PostgresServer::stop);
    PostgresServer.attach(dir.resolve("data")).ifPresent(PostgresServer::stop);
  }

  private PostgresServer server(PostgresServerBuilder builder) {
    PostgresServer server = builder.dataDir(dir.resolve("data")).build();
    servers.add(server);
    return server;
  }

  @Test
  void serverAnswersThroughItsPrivateSocketWithACleanEnvironment() throws Exception {
    Path sock = dir.resolve("run/sock");
    PostgresServer server =
        server(PostgresServer.builder().password("s3cret").unixSocketDirectory(sock)).start();

    assertThat(Proc.uid(sock)).isEqualTo(OsUser.current().uid());
    assertThat(Proc.mode(sock)).isEqualTo(0700);
    assertThat(Proc.mode(dir.resolve("data.log"))).isEqualTo(0600);
    assertThat(server.socketDirectory()).isEqualTo(sock);
    assertThat(server.socketFile()).isEqualTo(sock.resolve(".s.PGSQL." + server.port())).exists();
    String url = server.socketJdbcUrl("postgres");
    assertThat(url).isEqualTo(PostgresSockets.jdbcUrl(sock, server.port(), "postgres"));
    assertThat(Sql.query(url, "postgres", "s3cret", "SELECT 1")).isEqualTo("1");
    assertThat(Sql.query(url, "postgres", "s3cret", "SHOW unix_socket_permissions"))
        .isEqualTo("0700");
    assertThat(Proc.environ(server.pid()))
        .as("nothing of this JVM's environment")
        .containsOnlyKeys("PATH", "LC_ALL")
        .containsEntry("PATH", "/usr/bin:/bin")
        .containsEntry("LC_ALL", "C");

    PostgresServer attached = PostgresServer.attach(server.dataDir()).orElseThrow();
    assertThat(attached.socketDirectory()).isEqualTo(sock);
    assertThat(attached.socketFile()).isEqualTo(server.socketFile());
    server.stop();
    assertThat(PostgresServer.attach(server.dataDir())).isEmpty();

    // Without the password, a server that asks for one through its socket counts as started.
    PostgresServer again = server(PostgresServer.builder().unixSocketDirectory(sock)).start();
    assertThat(Sql.query(again.socketJdbcUrl("postgres"), "postgres", "s3cret", "SELECT 2"))
        .isEqualTo("2");
  }

  @Test
  void existingSocketDirectoryIsMadePrivate() throws Exception {
    Path sock = Files.createDirectories(dir.resolve("sock"));
    Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rwxrwxrwx"));
    server(PostgresServer.builder().unixSocketDirectory(sock)).start();
    assertThat(Proc.mode(sock)).isEqualTo(0700);
  }

  @Test
  void socketDirectoryThatIsASymbolicLinkIsRefused() throws Exception {
    Path real = Files.createDirectories(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("sock"), real);
    PostgresServer server = server(PostgresServer.builder().unixSocketDirectory(link));
    assertThatThrownBy(server::start)
        .isInstanceOf(PostgresException.class)
        .hasMessageContaining(link.toString())
        .hasMessageContaining("is a symbolic link");
    assertThat(server.isRunning()).isFalse();
  }

  @Test
  void reloadAppliesAChangedPgHba() throws Exception {
    PostgresServer server =
        server(PostgresServer.builder().unixSocketDirectory(dir.resolve("sock"))).start();
    String url = server.socketJdbcUrl("postgres");
    Sql.execute(url, "postgres", null, "CREATE ROLE tenant LOGIN");
    assertThat(Sql.query(url, "tenant", null, "SELECT current_user")).isEqualTo("tenant");

    Path hba = server.dataDir().resolve("pg_hba.conf");
    Files.writeString(hba, "local all tenant reject\n" + Files.readString(hba));
    server.reload();

    SQLException refused = awaitRefused(url, "tenant");
    assertThat(refused.getSQLState()).isEqualTo("28000");
    assertThat(refused.getMessage()).contains("pg_hba.conf rejects connection");
    assertThat(Sql.query(url, "postgres", null, "SELECT 1")).isEqualTo("1");
  }

  /** Waits (SIGHUP is handled asynchronously) until {@code user} can no longer connect. */
  private static SQLException awaitRefused(String url, String user) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try {
        Sql.query(url, user, null, "SELECT 1");
      } catch (SQLException e) {
        return e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(user + " can still connect 10 s after reload()");
      }
      Thread.sleep(50);
    }
  }
}

package dev.toygres.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LauncherTest {

  private static ServerSpec spec(Path socketDir) {
    return new ServerSpec(
        Path.of("/opt/pg/bin"),
        Path.of("/srv/data"),
        0,
        "postgres",
        null,
        Map.of("work_mem", "8MB", "fsync", "on"),
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        Path.of("/srv/data.log"),
        socketDir,
        null);
  }

  @Test
  void buildsPostgresCommandWithLoopbackOnlyAndNoUnixSockets() {
    assertThat(Launcher.postgresCommand(spec(null), 5555))
        .containsExactly(
            "/opt/pg/bin/postgres",
            "-D",
            "/srv/data",
            "-p",
            "5555",
            "-c",
            "fsync=on",
            "-c",
            "work_mem=8MB",
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "unix_socket_directories=");
  }

  @Test
  void usesConfiguredSocketDirectoryWithOwnerOnlySockets() {
    assertThat(Launcher.postgresCommand(spec(Path.of("/run/pg")), 5555))
        .endsWith("-c", "unix_socket_directories=/run/pg", "-c", "unix_socket_permissions=0700");
  }

  @Test
  void specHidesPassword() {
    ServerSpec withPassword =
        new ServerSpec(
            Path.of("/b"),
            Path.of("/d"),
            1,
            "postgres",
            "secret",
            Map.of(),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Path.of("/l"),
            null,
            null);
    assertThat(withPassword.toString()).doesNotContain("secret");
  }
}

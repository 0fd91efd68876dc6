package dev.toygres.controlplane.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfTest {
  @TempDir Path dir;

  @Test
  void theStartSettingsAreAppendedOnceAfterInitdbsOwn() throws Exception {
    Path conf = dir.resolve("postgresql.conf");
    Files.writeString(conf, "max_connections = 100\nshared_buffers = 128MB");

    ServerConf.ensure(dir, Map.of("shared_buffers", "32MB", "max_connections", "50"));
    ServerConf.ensure(dir, Map.of("shared_buffers", "32MB", "max_connections", "50"));

    assertThat(Files.readString(conf))
        .isEqualTo(
            "max_connections = 100\nshared_buffers = 128MB\n\n"
                + ServerConf.MARKER
                + "\nmax_connections = '50'\nshared_buffers = '32MB'\n");
  }

  @Test
  void nothingIsWrittenBeforeInitdb() throws Exception {
    ServerConf.ensure(dir, Map.of("shared_buffers", "32MB"));

    assertThat(dir.resolve("postgresql.conf")).doesNotExist();
  }
}

package dev.toygres.controlplane.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.config.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
  @TempDir Path dataDir;

  @Test
  void aGeneratedTokenIsLongEnoughPrivateAndReadBackTheSame() throws IOException {
    Secrets.AdminToken first = Secrets.adminToken(null, dataDir);
    Secrets.AdminToken again = Secrets.adminToken(null, dataDir);

    assertThat(first.generated()).isTrue();
    assertThat(first.value().length()).isGreaterThanOrEqualTo(Secrets.MIN_LENGTH);
    assertThat(again.generated()).isFalse();
    assertThat(again.value()).isEqualTo(first.value());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.file())))
        .isEqualTo("rw-------");
  }

  @Test
  void anEmptyOrBlankTokenFileIsRefusedWithWhereItIsAndHowToFixIt() throws IOException {
    Path file = dataDir.resolve("admin-token");
    for (String content : new String[] {"", " \n\t\n"}) {
      Files.writeString(file, content);
      assertThatThrownBy(() -> Secrets.adminToken(null, dataDir))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageStartingWith("the admin token in " + file + " is empty: delete the file");
    }
  }

  @Test
  void aShortTokenIsRefusedWithoutQuotingIt() throws IOException {
    Files.writeString(dataDir.resolve("admin-token"), "fifteen-chars-x\n");
    assertThatThrownBy(() -> Secrets.adminToken(null, dataDir))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("too short (15 characters; at least 16 are needed)")
        .hasMessageNotContaining("fifteen-chars-x");

    assertThatThrownBy(() -> Secrets.adminToken("  short-env-token  ", dataDir))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("TOYGRES_ADMIN_TOKEN is too short (15 characters")
        .hasMessageNotContaining("short-env-token");
  }

  @Test
  void aLongEnoughTokenFromTheEnvironmentWinsOverTheFile() throws IOException {
    Files.writeString(dataDir.resolve("admin-token"), "");

    Secrets.AdminToken t = Secrets.adminToken(" sixteen-chars-ok ", dataDir);

    assertThat(t.value()).isEqualTo("sixteen-chars-ok");
    assertThat(t.file()).isNull();
  }
}

package dev.toygres.controlplane.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.config.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
  @TempDir Path dir;

  private static byte[] key(int fill) {
    byte[] k = new byte[32];
    java.util.Arrays.fill(k, (byte) fill);
    return k;
  }

  @Test
  void theSameKeyAlwaysHasTheSameFingerprint() throws IOException {
    Path file = dir.resolve("secret.key");
    SecretBox generated = SecretBox.load(null, file);
    SecretBox reloaded = SecretBox.load(null, file);
    String base64 = Files.readString(file).trim();
    SecretBox fromEnv = SecretBox.load(base64, dir.resolve("unused.key"));

    assertThat(generated.fingerprint())
        .matches("[0-9a-f]{32}")
        .isEqualTo(reloaded.fingerprint())
        .isEqualTo(fromEnv.fingerprint());
    assertThat(SecretBox.of(key(7)).fingerprint()).isEqualTo(SecretBox.of(key(7)).fingerprint());
  }

  @Test
  void differentKeysHaveDifferentFingerprintsThatRevealNeitherKey() {
    byte[] a = key(1);
    byte[] b = key(1);
    b[31] = 2;

    String fa = SecretBox.of(a).fingerprint();
    String fb = SecretBox.of(b).fingerprint();

    assertThat(fa).isNotEqualTo(fb);
    for (byte[] k : new byte[][] {a, b}) {
      String hex = HexFormat.of().formatHex(k);
      assertThat(hex).doesNotContain(fa).doesNotContain(fb);
      assertThat(fa + fb).doesNotContain(hex.substring(0, 16));
    }
  }

  @Test
  void theSourceOfTheKeyIsNamedButNeverTheKey() throws IOException {
    Path file = dir.resolve("secret.key");
    String envKey = Base64.getEncoder().encodeToString(key(3));

    assertThat(SecretBox.load(envKey, file).source()).isEqualTo("TOYGRES_SECRET_KEY");
    assertThat(SecretBox.load(null, file).source()).isEqualTo(file.toString());
  }

  @Test
  void aKeyFileThatIsNotAKeyIsAConfigurationErrorThatDoesNotQuoteIt() throws IOException {
    Path file = Files.writeString(dir.resolve("secret.key"), "not-a-key-at-all!\n");

    assertThatThrownBy(() -> SecretBox.load(null, file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(file.toString())
        .hasMessageNotContaining("not-a-key");

    Files.writeString(file, Base64.getEncoder().encodeToString(new byte[16]));
    assertThatThrownBy(() -> SecretBox.load(null, file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("must be 32 bytes");
    assertThatThrownBy(() -> SecretBox.load("%%%", file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("TOYGRES_SECRET_KEY is not valid base64")
        .hasMessageNotContaining("%%%");
  }
}

package dev.toygres.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseUrlsTest {
  @TempDir Path dir;

  @Test
  void aPasswordInTheUserInfoOfAPostgresqlUrlIsFound() {
    assertThat(DatabaseUrls.hasPassword("postgresql://u:pw@db.example:5432/toygres")).isTrue();
    assertThat(DatabaseUrls.hasPassword("postgres://u:p%40ss@db/x")).isTrue();
    assertThat(DatabaseUrls.hasPassword("postgresql://u:pa/ss@db/x")).isTrue();
    assertThat(DatabaseUrls.hasPassword("postgresql://u:p@ss@db/x")).isTrue();
    assertThat(DatabaseUrls.hasPassword("  postgresql://u:pw@db/x  ")).isTrue();
  }

  @Test
  void aPasswordParameterInTheQueryOfEitherFormIsFound() {
    assertThat(DatabaseUrls.hasPassword("jdbc:postgresql://db:5432/x?user=u&password=pw")).isTrue();
    assertThat(DatabaseUrls.hasPassword("jdbc:postgresql://db/x?ssl=true&PASSWORD=pw")).isTrue();
    assertThat(DatabaseUrls.hasPassword("jdbc:postgresql://db/x?sslpassword=k")).isTrue();
    assertThat(DatabaseUrls.hasPassword("jdbc:postgresql://db/x?pass%77ord=pw")).isTrue();
    assertThat(DatabaseUrls.hasPassword("postgresql://u@db/x?password=pw")).isTrue();
    assertThat(DatabaseUrls.hasPassword("jdbc:postgresql:x?password=pw")).isTrue();
  }

  @Test
  void urlsWithoutAPasswordAreAccepted() {
    assertThat(DatabaseUrls.hasPassword("postgresql://db:5432/toygres")).isFalse();
    assertThat(DatabaseUrls.hasPassword("postgresql://u@db:5432/toygres")).isFalse();
    assertThat(DatabaseUrls.hasPassword("postgresql://u:@db/x")).isFalse();
    assertThat(DatabaseUrls.hasPassword("jdbc:postgresql://db:5432/x?user=u&ssl=true")).isFalse();
    assertThat(DatabaseUrls.hasPassword("jdbc:postgresql://db/x?password=")).isFalse();
    assertThat(DatabaseUrls.hasPassword("jdbc:postgresql://db/x?passwordless=1")).isFalse();
    assertThat(DatabaseUrls.hasPassword(null)).isFalse();
  }

  @Test
  void aUrlFileGivesItsFirstNonEmptyLine() throws IOException {
    Path file = Files.writeString(dir.resolve("url"), "\n  \n postgresql://u:pw@db/x \nignored\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    List<String> warnings = new ArrayList<>();

    assertThat(DatabaseUrls.fromFile(file, warnings::add)).isEqualTo("postgresql://u:pw@db/x");
    assertThat(warnings).isEmpty();
  }

  @Test
  void aUrlFileOthersMayReadIsUsedWithAWarningThatDoesNotQuoteIt() throws IOException {
    Path file = Files.writeString(dir.resolve("url"), "postgresql://u:hunter2@db/x\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    List<String> warnings = new ArrayList<>();

    assertThat(DatabaseUrls.fromFile(file, warnings::add)).isEqualTo("postgresql://u:hunter2@db/x");
    assertThat(warnings)
        .singleElement()
        .asString()
        .contains(file.toString(), "other users", "chmod 600")
        .doesNotContain("hunter2");
  }

  @Test
  void aMissingOrEmptyUrlFileIsAConfigurationError() throws IOException {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> DatabaseUrls.fromFile(missing, w -> {}))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("--database-url-file: " + missing + " does not exist");

    Path empty = Files.writeString(dir.resolve("empty"), " \n\n");
    assertThatThrownBy(() -> DatabaseUrls.fromFile(empty, w -> {}))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(empty + " holds no database URL");

    assertThatThrownBy(() -> DatabaseUrls.fromFile(dir, w -> {}))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("--database-url-file: cannot read " + dir);
  }
}

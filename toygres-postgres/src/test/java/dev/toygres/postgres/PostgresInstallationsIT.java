package dev.toygres.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.postgres.PostgresInstallation.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PostgresInstallationsIT {

  private static final Path DEBIAN_15 = Path.of("/usr/lib/postgresql/15/bin");

  @Test
  void discoversMavenAndSystemInstallations() {
    List<PostgresInstallation> all = PostgresInstallations.discover();

    assertThat(all)
        .anySatisfy(
            i -> {
              assertThat(i.majorVersion()).isEqualTo(18);
              assertThat(i.source()).isEqualTo(Source.MAVEN);
              assertThat(i.version()).startsWith("18.");
            });
    assertThat(all)
        .anySatisfy(
            i -> {
              assertThat(i.majorVersion()).isEqualTo(17);
              assertThat(i.source()).isEqualTo(Source.MAVEN);
            });
    if (Files.isDirectory(DEBIAN_15)) {
      assertThat(all)
          .anySatisfy(
              i -> {
                assertThat(i.majorVersion()).isEqualTo(15);
                assertThat(i.source()).isEqualTo(Source.SYSTEM);
                assertThat(i.binDir()).isEqualTo(DEBIAN_15);
              });
    }
    assertThat(all)
        .allSatisfy(
            i -> {
              assertThat(Files.isExecutable(i.executable("initdb"))).isTrue();
              assertThat(Files.isExecutable(i.executable("postgres"))).isTrue();
            });
    assertThat(all.stream().map(PostgresInstallation::binDir).distinct()).hasSameSizeAs(all);
  }

  @Test
  void defaultIsMaven18ExtractedIntoTheCacheWithSymlinks() throws IOException {
    PostgresInstallation installation = PostgresInstallations.defaultInstallation();

    assertThat(installation.majorVersion()).isEqualTo(18);
    assertThat(installation.source()).isEqualTo(Source.MAVEN);
    Path home = installation.binDir().getParent();
    assertThat(home.getParent()).isEqualTo(PostgresInstallations.cacheRoot());
    assertThat(home.getFileName().toString()).matches("18\\.\\d+\\.\\d+-linux-[a-z0-9]+");
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      assertThat(lib.filter(Files::isSymbolicLink)).isNotEmpty();
    }
  }

  @Test
  void forMajorPrefersMavenAndExplainsWhatIsMissing() {
    assertThat(PostgresInstallations.forMajor(17).source()).isEqualTo(Source.MAVEN);

    assertThatThrownBy(() -> PostgresInstallations.forMajor(99))
        .isInstanceOf(PostgresException.class)
        .hasMessageContaining("No PostgreSQL 99 installation")
        .hasMessageContaining("18 (maven")
        .hasMessageContaining("17 (maven")
        .satisfies(
            e -> {
              if (Files.isDirectory(DEBIAN_15)) {
                assertThat(e).hasMessageContaining("15 (system");
              }
            });
  }
}

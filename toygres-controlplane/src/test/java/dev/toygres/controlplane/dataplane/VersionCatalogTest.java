package dev.toygres.controlplane.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresInstallation.Source;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionCatalogTest {

  private static PostgresInstallation inst(int major, Source source, String dir) {
    return new PostgresInstallation(major, major + ".1", Path.of(dir), source);
  }

  @Test
  void oneInstallationPerMajorNewestFirstMavenPreferred() {
    VersionCatalog catalog =
        new VersionCatalog(
            List.of(
                inst(18, Source.MAVEN, "/m18"),
                inst(17, Source.MAVEN, "/m17"),
                inst(15, Source.SYSTEM, "/s15"),
                inst(17, Source.SYSTEM, "/s17"),
                inst(16, Source.SYSTEM, "/s16")));
    assertThat(catalog.versions()).containsExactly(18, 17, 16, 15);
    assertThat(catalog.defaultVersion()).isEqualTo(18);
    assertThat(catalog.require(17).binDir()).isEqualTo(Path.of("/m17"));
    assertThatThrownBy(() -> catalog.require(14))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("PostgreSQL 14 is not available; available versions: 18, 17, 16, 15");
  }

  @Test
  void withoutEighteenTheNewestIsTheDefault() {
    VersionCatalog catalog =
        new VersionCatalog(
            List.of(inst(15, Source.SYSTEM, "/s15"), inst(16, Source.SYSTEM, "/s16")));
    assertThat(catalog.defaultVersion()).isEqualTo(16);
  }

  @Test
  void noInstallationIsAClearError() {
    assertThatThrownBy(() -> new VersionCatalog(List.of()))
        .isInstanceOf(DataPlaneException.class)
        .hasMessageContaining("No PostgreSQL installation found");
  }
}

package dev.toygres.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionProbeTest {

  @Test
  void parsesVersionOutput() {
    assertThat(VersionProbe.parse("postgres (PostgreSQL) 18.1\n")).contains("18.1");
    assertThat(VersionProbe.parse("postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"))
        .contains("15.14");
    assertThat(VersionProbe.parse("postgres (PostgreSQL) 9.6.24")).contains("9.6.24");
    assertThat(VersionProbe.parse("something else")).isEmpty();
  }

  @Test
  void majorIsTheFirstComponent() {
    assertThat(VersionProbe.major("18.1")).isEqualTo(18);
    assertThat(VersionProbe.major("17")).isEqualTo(17);
  }
}

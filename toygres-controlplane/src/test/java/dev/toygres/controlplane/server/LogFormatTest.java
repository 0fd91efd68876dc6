package dev.toygres.controlplane.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.config.ConfigurationException;
import org.junit.jupiter.api.Test;

class LogFormatTest {
  @Test
  void textAndJsonAreReadInAnyCase() {
    assertThat(LogFormat.parse("text", "--log-format")).isEqualTo(LogFormat.TEXT);
    assertThat(LogFormat.parse(" JSON ", "--log-format")).isEqualTo(LogFormat.JSON);
  }

  @Test
  void anyOtherValueIsAConfigurationErrorSayingWhatIsAllowed() {
    for (String bad : new String[] {"xml", "", null}) {
      assertThatThrownBy(() -> LogFormat.parse(bad, "--log-format"))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("--log-format must be text or json");
    }
  }
}

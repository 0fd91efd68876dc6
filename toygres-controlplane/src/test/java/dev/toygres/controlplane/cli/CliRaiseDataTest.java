package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CliRaiseDataTest {
  @Test
  void jsonDataIsSentAsJson() {
    assertThat(JsonText.parseData("{\"a\": 1}").toString()).isEqualTo("{\"a\":1}");
    assertThat(JsonText.parseData("[1,2]").toString()).isEqualTo("[1,2]");
    assertThat(JsonText.parseData("42").isInt()).isTrue();
    assertThat(JsonText.parseData("true").isBoolean()).isTrue();
    assertThat(JsonText.parseData("null").isNull()).isTrue();
    assertThat(JsonText.parseData("\"quoted\"").asText()).isEqualTo("quoted");
  }

  @Test
  void plainTextIsSentAsAString() {
    assertThat(JsonText.parseData("hello").isTextual()).isTrue();
    assertThat(JsonText.parseData("hello").asText()).isEqualTo("hello");
    assertThat(JsonText.parseData("stop now").asText()).isEqualTo("stop now");
    assertThat(JsonText.parseData("42 apples").asText()).isEqualTo("42 apples");
    assertThat(JsonText.parseData("").asText()).isEmpty();
  }

  @Test
  void missingDataIsNull() {
    assertThat(JsonText.parseData(null)).isNull();
  }

  @Test
  void brokenJsonObjectIsRefusedRatherThanSentAsText() {
    assertThatThrownBy(() -> JsonText.parseData("{a: 1"))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("DATA looks like JSON but is not valid JSON");
  }
}

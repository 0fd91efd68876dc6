package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schema names go into SQL text, so the store accepts only plain lower-case identifiers. */
class SchemaNameTest {
  @Test
  void badSchemaNamesAreRejectedBeforeAnySqlRuns() {
    List<String> bad =
        Arrays.asList(
            null,
            "",
            "Upper",
            "1starts_with_digit",
            "has-dash",
            "has space",
            "x; DROP TABLE instances",
            "quote\"d",
            "a".repeat(42));
    for (String name : bad) {
      assertThatThrownBy(() -> new PostgresStore(null, name))
          .as(String.valueOf(name))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("schema name");
    }
  }

  @Test
  void plainLowerCaseNamesAreAccepted() {
    for (String name : List.of("toygres_durable", "_x", "a1", "a".repeat(41))) {
      assertThat(new PostgresStore(null, name).schema()).isEqualTo(name);
    }
    assertThat(PostgresStore.DEFAULT_SCHEMA).isEqualTo("toygres_durable");
  }
}

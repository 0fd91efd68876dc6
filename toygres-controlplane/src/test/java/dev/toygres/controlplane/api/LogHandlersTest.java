package dev.toygres.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.dataplane.ServerLog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogHandlersTest {
  @Test
  void aCursorNamesEachServersOffsetByOrdinalAndReadsBackTheSame() {
    String cursor =
        LogHandlers.cursorOf(
            List.of(
                new ServerLog("db-abc123", "primary", 0, List.of("a"), 8812),
                new ServerLog("db-abc123-s1", "standby", 1, List.of(), 4410)));

    assertThat(cursor).isEqualTo("0-8812.1-4410");
    assertThat(LogHandlers.cursor(cursor)).isEqualTo(Map.of(0, 8812L, 1, 4410L));
  }

  @Test
  void noCursorReadsEveryLogFromItsEnd() {
    assertThat(LogHandlers.cursor(null)).isEmpty();
  }

  @Test
  void aCursorThatNoAnswerCouldHaveGivenIsABadRequestNamingAfter() {
    for (String bad : new String[] {"x", "0-", "-1-2", "0-1.", "0:12", "0-99999999999999999999"}) {
      assertThatThrownBy(() -> LogHandlers.cursor(bad))
          .as(bad)
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("after must be the cursor of an earlier answer");
    }
  }
}

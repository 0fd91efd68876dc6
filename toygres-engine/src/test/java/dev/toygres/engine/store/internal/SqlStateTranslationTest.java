package dev.toygres.engine.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.store.StoreException;
import dev.toygres.engine.store.StoreUnavailableException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlStateTranslationTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "08000", "08001", "08003", "08006", "57P01", "57P02", "57P03", "53300", "57014", "55P03"
      })
  void connectionLossTimeoutsAndOverloadMeanTheDatabaseIsUnavailable(String state) {
    StoreException e = Sql.translate("fetching work", new SQLException("gone", state));

    assertThat(e).isInstanceOf(StoreUnavailableException.class);
    assertThat(e.getMessage())
        .startsWith("fetching work failed: the database is unreachable or too slow")
        .contains(state);
    assertThat(e.sqlState()).isEqualTo(state);
  }

  @ParameterizedTest
  @ValueSource(strings = {"23505", "40001", "42P01", "22P02"})
  void refusalsAreStoreErrorsButNotUnavailability(String state) {
    StoreException e = Sql.translate("committing", new SQLException("refused", state));

    assertThat(e).isNotInstanceOf(StoreUnavailableException.class);
    assertThat(e.getMessage()).isEqualTo("committing failed: refused (SQLState " + state + ")");
  }

  @Test
  void poolTimeoutWithoutSqlStateIsUnavailability() {
    StoreException e =
        Sql.translate(
            "reading",
            new SQLTransientConnectionException(
                "toygres - Connection is not available, request timed out after 3000ms."));

    assertThat(e).isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void unavailabilityBehindAWrappingExceptionIsFound() {
    SQLException wrapped = new SQLException("batch failed", "XX000");
    wrapped.setNextException(new SQLException("terminating connection", "57P01"));

    assertThat(Sql.translate("writing", wrapped)).isInstanceOf(StoreUnavailableException.class);
  }
}

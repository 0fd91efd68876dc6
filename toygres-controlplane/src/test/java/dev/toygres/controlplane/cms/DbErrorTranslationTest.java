package dev.toygres.controlplane.cms;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CMS translates an SQL error that means "the database is out of reach or too slow" into {@link
 * CmsUnavailableException}, and any other into a plain {@link CmsException}.
 */
class DbErrorTranslationTest {
  @ParameterizedTest
  @ValueSource(
      strings = {"08001", "08006", "08003", "57P01", "57P02", "57P03", "57014", "55P03", "53300"})
  void connectionShutdownTimeoutAndTooManyConnectionsAreUnavailable(String state) {
    CmsException e = Db.translate(new SQLException("boom", state));

    assertThat(e).isInstanceOf(CmsUnavailableException.class);
    assertThat(e.getMessage()).contains("SQLState " + state);
  }

  @ParameterizedTest
  @ValueSource(strings = {"23505", "42P01", "22001", "40001"})
  void otherErrorsAreNotUnavailable(String state) {
    assertThat(Db.translate(new SQLException("boom", state)))
        .isNotInstanceOf(CmsUnavailableException.class);
  }

  @org.junit.jupiter.api.Test
  void thePoolsConnectionTimeoutIsUnavailableEvenWithoutASqlState() {
    assertThat(
            Db.translate(
                new SQLTransientConnectionException(
                    "toygres - Connection is not available, request timed out after 3000ms")))
        .isInstanceOf(CmsUnavailableException.class);
    assertThat(Db.translate(new SQLException("wrapper", null, new SQLException("io", "08006"))))
        .isInstanceOf(CmsUnavailableException.class);
  }
}

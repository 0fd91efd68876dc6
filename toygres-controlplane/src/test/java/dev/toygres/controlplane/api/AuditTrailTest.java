package dev.toygres.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.access.Caller;
import dev.toygres.controlplane.access.Role;
import dev.toygres.controlplane.cms.AuditLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which requests are audited, how a status becomes a result, and the audit cursor's parsing. */
class AuditTrailTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "POST,    /api/instances,        true",
    "DELETE,  /api/tokens/x,         true",
    "PUT,     /api/anything,         true",
    "OPTIONS, /api/instances,        true",
    "POST,    /api,                  true",
    "POST,    /ui/login,             true",
    "POST,    /ui/logout/,           true",
    "GET,     /api/instances,        false",
    "HEAD,    /api/instances,        false",
    "GET,     /ui/session,           false",
    "POST,    /ui/session,           false",
    "POST,    /health,               false",
    "POST,    /apix,                 false",
  })
  void onlyRequestsThatMayChangeSomethingAreAudited(String method, String path, boolean audited) {
    assertThat(AuditTrail.audited(method, path)).isEqualTo(audited);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "200, ok",
    "201, ok",
    "202, ok",
    "401, denied",
    "403, denied",
    "400, failed",
    "404, failed",
    "409, failed",
    "413, failed",
    "500, failed"
  })
  void statusesBecomeResults(int status, String result) {
    assertThat(AuditTrail.result(status)).isEqualTo(result);
  }

  @Test
  void anEntryNamesTheCallerOrAnonymousAndPrefersThePathsTarget() {
    Caller ops = new Caller("ops", Role.OPERATOR, false);
    AuditLog.Entry stop =
        AuditTrail.entry("POST", "/api/instances/db1/stop", 202, ops, "ignored", null);
    assertThat(stop).isEqualTo(new AuditLog.Entry("ops", "instance.stop", "db1", "ok", 202, null));
    AuditLog.Entry create =
        AuditTrail.entry("POST", "/api/instances", 400, ops, "db2", "field 'password' is required");
    assertThat(create.target()).isEqualTo("db2");
    assertThat(create.result()).isEqualTo("failed");
    assertThat(create.detail()).isEqualTo("field 'password' is required");
    AuditLog.Entry anonymous =
        AuditTrail.entry("DELETE", "/api/instances/db1", 401, null, null, "invalid bearer token");
    assertThat(anonymous.actor()).isEqualTo("anonymous");
    assertThat(anonymous.result()).isEqualTo("denied");
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "-, -",
        "'', -",
        "1, 1",
        "42, 42",
        " 7 , 7",
        "9223372036854775807, 9223372036854775807"
      })
  void cursorsAreTheLastIdSeen(String raw, Long expected) {
    assertThat(AuditHandlers.cursor(raw)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0", "-1", "abc", "1.5", "9223372036854775808", "0x10"})
  void badCursorsAreInvalidRequests(String raw) {
    assertThatThrownBy(() -> AuditHandlers.cursor(raw))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("cursor must be a positive integer");
  }
}

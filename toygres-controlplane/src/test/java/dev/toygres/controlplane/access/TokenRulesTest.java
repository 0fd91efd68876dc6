package dev.toygres.controlplane.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.ConflictException;
import dev.toygres.controlplane.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Token names, roles and secrets: what is accepted, and what a refusal says. */
class TokenRulesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "0",
        "ci-bot",
        "ops.team_2",
        "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefgh"
      })
  void wellFormedNamesAreAccepted(String name) {
    assertThat(TokenNames.checkNew(name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-x",
        ".x",
        "_x",
        "Upper",
        "a b",
        "a/b",
        "é",
        "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghi"
      })
  void malformedNamesAreInvalidSayingWhatIsAllowed(String name) {
    assertThatThrownBy(() -> TokenNames.checkNew(name))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("1 to 63 characters of a-z, 0-9, '.', '_' and '-'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"admin", "supervisor", "anonymous"})
  void reservedNamesAreConflicts(String name) {
    assertThatThrownBy(() -> TokenNames.checkNew(name))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("reserved");
  }

  @Test
  void rolesParseFromTheirLabelsOnly() {
    assertThat(Role.parse("viewer")).isEqualTo(Role.VIEWER);
    assertThat(Role.parse("operator")).isEqualTo(Role.OPERATOR);
    assertThat(Role.parse("admin")).isEqualTo(Role.ADMIN);
    assertThatThrownBy(() -> Role.parse("root"))
        .hasMessage("unknown role 'root': use one of admin, operator, viewer");
    assertThatThrownBy(() -> Role.parse("ADMIN")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void secretsAreTgrAnd64HexDigitsAndNeverRepeat() {
    String a = TokenSecrets.generate();
    String b = TokenSecrets.generate();
    assertThat(a).matches("tgr_[0-9a-f]{64}");
    assertThat(a).isNotEqualTo(b);
    assertThat(TokenSecrets.hash(a)).hasSize(32).isEqualTo(TokenSecrets.hash(a));
  }

  @Test
  void theBuiltInAdminAuthenticatesWithoutATableAndNothingElseDoes() {
    ApiUsers users = new ApiUsers("test-admin-token-0123456789", null);
    assertThat(users.authenticate("test-admin-token-0123456789"))
        .hasValue(new Caller("admin", Role.ADMIN, true));
    assertThat(users.authenticate("test-admin-token-012345678")).isEmpty();
    assertThat(users.authenticate("")).isEmpty();
    assertThat(users.authenticate("x".repeat(10_000))).isEmpty();
    assertThat(users.verify("admin", TokenSecrets.hash("test-admin-token-0123456789"))).isPresent();
    assertThat(users.verify("ops", TokenSecrets.hash("test-admin-token-0123456789"))).isEmpty();
    assertThat(users.list()).singleElement().satisfies(t -> assertThat(t.builtin()).isTrue());
    assertThat(users.toString()).doesNotContain("test-admin-token");
  }
}

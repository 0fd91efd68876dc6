package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PasswordInputTest {
  private final List<String> prompts = new ArrayList<>();

  /** Standard input, environment and terminal answers as given; null terminal = none. */
  private PasswordInput input(String stdin, Map<String, String> env, List<String> typed) {
    Iterator<String> answers = typed == null ? null : typed.iterator();
    return new PasswordInput(
        () -> new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        env::get,
        answers == null
            ? null
            : prompt -> {
              prompts.add(prompt);
              return answers.hasNext() ? answers.next().toCharArray() : null;
            });
  }

  @Test
  void standardInputWinsWhenAskedForEvenIfTheEnvironmentAndATerminalHaveOne() {
    PasswordInput in =
        input(
            "from stdin \r\nsecond line\n",
            Map.of("TOYGRES_PASSWORD", "from-env"),
            List.of("typed", "typed"));

    assertThat(in.read(true, "Password: ")).isEqualTo("from stdin ");
    assertThat(prompts).isEmpty();
  }

  @Test
  void theEnvironmentComesBeforeTheTerminal() {
    PasswordInput in =
        input("unread\n", Map.of("TOYGRES_PASSWORD", "from-env"), List.of("typed", "typed"));

    assertThat(in.read(false, "Password: ")).isEqualTo("from-env");
    assertThat(prompts).isEmpty();
  }

  @Test
  void theTerminalAsksTwiceWhenNothingElseGivesOne() {
    PasswordInput in =
        input("unread\n", Map.of("TOYGRES_PASSWORD", ""), List.of("typed pw", "typed pw"));

    assertThat(in.read(false, "Password for mydb: ")).isEqualTo("typed pw");
    assertThat(prompts).containsExactly("Password for mydb: ", "Repeat the password: ");
  }

  @Test
  void twoDifferentEntriesOnTheTerminalAreRefused() {
    PasswordInput in = input("", Map.of(), List.of("one", "two"));

    assertThatThrownBy(() -> in.read(false, "Password: "))
        .isInstanceOf(CliException.class)
        .hasMessage("the passwords do not match");
  }

  @Test
  void withoutStandardInputEnvironmentOrTerminalTheErrorNamesAllThreeWays() {
    PasswordInput in = input("ignored\n", Map.of(), null);

    assertThatThrownBy(() -> in.read(false, "Password: "))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("--password-stdin")
        .hasMessageContaining("TOYGRES_PASSWORD")
        .hasMessageContaining("terminal");
  }

  @Test
  void emptyStandardInputIsRefusedRatherThanSentAsAnEmptyPassword() {
    assertThatThrownBy(() -> input("", Map.of(), null).read(true, "Password: "))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("--password-stdin: standard input is empty");
    assertThatThrownBy(() -> input("\nsecond\n", Map.of(), null).read(true, "Password: "))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("--password-stdin: the first line of standard input is empty");
  }

  @Test
  void aLastLineWithoutNewlineIsTheWholePassword() {
    assertThat(input("no newline", Map.of(), null).read(true, "Password: "))
        .isEqualTo("no newline");
  }
}

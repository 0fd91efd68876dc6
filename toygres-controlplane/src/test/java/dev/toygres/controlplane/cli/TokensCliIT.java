package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.TestServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code toygres tokens} and {@code toygres audit} in-process against a real server: a token is
 * printed once and then works with {@code --token}, a viewer's token reads but may not change or
 * manage tokens, the audit log shows who did what and pages by cursor, and a revoked token is
 * refused.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokensCliIT {
  private static final Pattern SECRET = Pattern.compile("(?m)^token:\\s+(tgr_[0-9a-f]{64})$");
  private static TestServer server;
  private static String url;
  private static String viewerSecret;

  @BeforeAll
  static void start() throws IOException {
    server = TestServer.start("tokens-cli", 29500);
    url = "http://127.0.0.1:" + server.server().port();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static CliRun cli(String token, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", url, "--token", token));
    return CliRun.of(all.toArray(String[]::new));
  }

  private static CliRun ok(String token, String... args) {
    CliRun run = cli(token, args);
    assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run).isZero();
    return run;
  }

  private static String admin() {
    return TestServer.TOKEN;
  }

  @Test
  @Order(1)
  void createPrintsTheSecretOnceAndSaysItWillNotBeShownAgain() {
    CliRun run = ok(admin(), "tokens", "create", "cli-viewer", "--role", "viewer");
    Matcher m = SECRET.matcher(run.out());
    assertThat(m.find()).as(run.out()).isTrue();
    viewerSecret = m.group(1);
    assertThat(run.out())
        .contains("name:")
        .contains("cli-viewer")
        .contains("role:")
        .contains("viewer")
        .contains("will not be shown again");

    CliRun list = ok(admin(), "tokens", "list");
    assertThat(list.out())
        .startsWith("NAME")
        .contains("CREATED BY")
        .containsPattern("(?m)^admin\\s+admin\\s+built-in")
        .containsPattern("(?m)^cli-viewer\\s+viewer\\s+\\S+ ago\\s+admin$")
        .doesNotContain(viewerSecret);
  }

  @Test
  @Order(2)
  void badRequestsExitWithTheServersMessage() {
    CliRun taken = cli(admin(), "tokens", "create", "cli-viewer", "--role", "viewer");
    assertThat(taken.exitCode()).isNotZero();
    assertThat(taken.err()).contains("exists");
    CliRun badRole = cli(admin(), "tokens", "create", "cli-x", "--role", "root");
    assertThat(badRole.exitCode()).isNotZero();
    assertThat(badRole.err()).contains("admin, operator, viewer");
    CliRun noRole = cli(admin(), "tokens", "create", "cli-x");
    assertThat(noRole.exitCode()).isNotZero();
    assertThat(noRole.err()).contains("--role");
    CliRun revokeAdmin = cli(admin(), "tokens", "revoke", "admin");
    assertThat(revokeAdmin.exitCode()).isNotZero();
    assertThat(revokeAdmin.err()).contains("cannot be revoked");
  }

  @Test
  @Order(3)
  void theViewersTokenReadsButMayNotChangeOrManageTokens() {
    assertThat(ok(viewerSecret, "list").out()).contains("no instances");
    CliRun stop = cli(viewerSecret, "stop", "cli-nope");
    assertThat(stop.exitCode()).isNotZero();
    assertThat(stop.err()).contains("token 'cli-viewer' (viewer) may not change anything");
    CliRun tokens = cli(viewerSecret, "tokens", "list");
    assertThat(tokens.exitCode()).isNotZero();
    assertThat(tokens.err()).contains("may not manage API tokens");
  }

  @Test
  @Order(4)
  void auditShowsWhoDidWhatAndPagesByCursor() throws IOException {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(ok(viewerSecret, "audit").out())
                    .containsPattern(
                        "(?m)\\s+cli-viewer\\s+instance\\.stop\\s+cli-nope\\s+denied\\s+403\\s")
                    .containsPattern("(?m)\\s+admin\\s+token\\.create\\s+cli-viewer\\s+ok\\s+201"));
    CliRun table = ok(viewerSecret, "audit");
    assertThat(table.out()).startsWith("ID").contains("WHO").contains("ACTION").contains("RESULT");

    CliRun first = ok(viewerSecret, "audit", "--limit", "2");
    Matcher more =
        Pattern.compile("(?m)^more: toygres audit --cursor (\\d+)$").matcher(first.out());
    assertThat(more.find()).as(first.out()).isTrue();
    String cursor = more.group(1);
    assertThat(first.out().lines().filter(l -> l.matches("^\\d+\\s.*"))).hasSize(2);
    JsonNode next =
        ApiClient.MAPPER.readTree(
            ok(viewerSecret, "audit", "--limit", "2", "--cursor", cursor, "--json").out());
    assertThat(next.get("items")).isNotEmpty();
    assertThat(next.get("items").get(0).get("id").asLong()).isLessThan(Long.parseLong(cursor));

    CliRun bad = cli(viewerSecret, "audit", "--limit", "0");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err()).contains("limit must be an integer between 1 and 1000");
  }

  @Test
  @Order(5)
  void aRevokedTokenIsRefused() throws IOException {
    JsonNode revoked =
        ApiClient.MAPPER.readTree(ok(admin(), "tokens", "revoke", "cli-viewer", "--json").out());
    assertThat(revoked.get("status").asText()).isEqualTo("revoked");
    CliRun after = cli(viewerSecret, "list");
    assertThat(after.exitCode()).isNotZero();
    assertThat(after.err()).contains("invalid bearer token");
    JsonNode list = ApiClient.MAPPER.readTree(ok(admin(), "tokens", "list", "--json").out());
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("builtin").asBoolean()).isTrue();
    CliRun again = cli(admin(), "tokens", "revoke", "cli-viewer");
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.err()).contains("no token named 'cli-viewer'");
  }
}

package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliClientOptionsTest {
  @TempDir Path dataDir;

  @Test
  void tokenFlagWinsOverEnvironmentAndFile() throws IOException {
    Files.writeString(dataDir.resolve("admin-token"), "from-file\n");

    assertThat(ClientOptions.resolveToken("from-flag", "from-env", dataDir)).isEqualTo("from-flag");
  }

  @Test
  void environmentWinsOverFile() throws IOException {
    Files.writeString(dataDir.resolve("admin-token"), "from-file\n");

    assertThat(ClientOptions.resolveToken(null, "from-env", dataDir)).isEqualTo("from-env");
    assertThat(ClientOptions.resolveToken(" ", "from-env", dataDir)).isEqualTo("from-env");
  }

  @Test
  void tokenFileIsReadAndTrimmedWhenNothingElseIsGiven() throws IOException {
    Files.writeString(dataDir.resolve("admin-token"), "  from-file\n");

    assertThat(ClientOptions.resolveToken(null, "", dataDir)).isEqualTo("from-file");
  }

  @Test
  void missingTokenSaysWhereATokenCanComeFrom() {
    assertThatThrownBy(() -> ClientOptions.resolveToken(null, null, dataDir))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("no admin token: set TOYGRES_TOKEN or pass --token")
        .hasMessageContaining(dataDir.resolve("admin-token").toString());
  }

  @Test
  void emptyTokenFileIsReported() throws IOException {
    Files.writeString(dataDir.resolve("admin-token"), "\n");

    assertThatThrownBy(() -> ClientOptions.resolveToken(null, null, dataDir))
        .hasMessageContaining("is empty");
  }

  @Test
  void serverUrlLosesItsTrailingSlashAndMustBeHttp() {
    assertThat(ClientOptions.baseUri("http://127.0.0.1:8080/").toString())
        .isEqualTo("http://127.0.0.1:8080");
    assertThatThrownBy(() -> ClientOptions.baseUri("127.0.0.1:8080"))
        .hasMessageContaining("invalid --server URL");
    assertThatThrownBy(() -> ClientOptions.baseUri("ftp://host"))
        .hasMessageContaining("invalid --server URL");
  }

  @Test
  void queryParametersArePercentEncodedAndNullsLeftOut() {
    assertThat(
            ApiClient.query(ApiClient.params("status", "running,failed", "name", null, "limit", 5)))
        .isEqualTo("?status=running%2Cfailed&limit=5");
    assertThat(ApiClient.query(ApiClient.params("a", null))).isEmpty();
    assertThat(ApiClient.segment("a b/c")).isEqualTo("a%20b%2Fc");
  }

  @Test
  void serverErrorMessageIsPassedOn() {
    assertThat(ApiClient.error(404, "{\"error\":\"instance 'x' not found\"}"))
        .hasMessage("instance 'x' not found");
    assertThat(ApiClient.error(502, "<html>bad gateway</html>"))
        .hasMessage("the server answered HTTP 502: <html>bad gateway</html>");
    assertThat(ApiClient.error(401, "{\"error\":\"invalid bearer token\"}").getMessage())
        .startsWith("invalid bearer token (check --token");
  }
}

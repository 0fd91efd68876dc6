package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.CREATE_WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.instance;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.Browser;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's instance page shows the WAL archive: read but empty ({@code none}) while archiving
 * is off, then {@code failing} with the failed file once an archive command fails (set up as in
 * {@link ArchiveHealthIT}).
 */
class ConsoleArchiveBrowserIT {
  private static final Duration SLOW = Duration.ofSeconds(90);
  private static TestServer server;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireInstalled();
    server = TestServer.start("console-archive", 45932);
    browser = Browser.start(Path.of("target", "screenshots").toAbsolutePath());
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (server != null) {
        try {
          ActorAsserts.deleteAll(server.api());
        } finally {
          server.close();
        }
      }
    }
  }

  @Test
  void theInstancePageShowsTheArchiveAndAFailingArchiveCommand() throws Exception {
    TestHttpClient api = server.api();
    String name = ArchiveHealthIT.NAME;
    TestHttpClient.Response r =
        api.post("/api/instances", Map.of("name", name, "password", ArchiveHealthIT.PASSWORD));
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    JsonNode first =
        ArchiveHealthIT.awaitArchive(api, CREATE_WAIT, a -> a.hasNonNull("checked_at"));

    browser.open("http://127.0.0.1:" + server.server().port() + "/#/instances/" + name);
    browser.type("#login-token", TestServer.TOKEN);
    browser.click("#login-submit");
    String shown = first.get("status").asText();
    browser.until(
        SLOW,
        "the archive panel shows the first reading",
        d ->
            browser.isShown("#archive-status")
                && shown.equals(browser.text("#archive-status"))
                && !browser.text("#archive-checked").contains("not yet"));

    JsonNode i = instance(api, name);
    Path wal = ArchiveHealthIT.walDir(server, i);
    Set<PosixFilePermission> writable = Files.getPosixFilePermissions(wal);
    Files.setPosixFilePermissions(wal, PosixFilePermissions.fromString("---------"));
    JsonNode failing;
    try {
      ArchiveHealthIT.fillASegment(i.get("data_plane").get("port").asInt());
      failing =
          ArchiveHealthIT.awaitArchive(api, WAIT, a -> "failing".equals(a.path("status").asText()));

      browser.until(
          SLOW,
          "the archive panel shows the failure",
          d ->
              "failing".equals(browser.text("#archive-status"))
                  && browser.isShown("#archive-last-failed")
                  && browser
                      .text("#archive-last-failed")
                      .contains(failing.get("last_failed_wal").asText()));
      assertThat(browser.text("#archive-failures")).isNotEqualTo("0").isNotEqualTo("—");
    } finally {
      // Writable again only once the page was checked: the archiver would recover meanwhile.
      Files.setPosixFilePermissions(wal, writable);
    }
    browser.screenshot("archive-01-failing");
    assertThat(browser.scriptErrors()).isEmpty();
  }
}

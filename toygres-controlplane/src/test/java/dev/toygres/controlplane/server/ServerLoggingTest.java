package dev.toygres.controlplane.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's log file in each format (this JVM's logging is put back afterwards). */
class ServerLoggingTest {
  private static final Logger LOG = LoggerFactory.getLogger(ServerLoggingTest.class);
  @TempDir Path dir;

  @AfterEach
  void restoreTheDefaultConfiguration() throws Exception {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    new ContextInitializer(ctx).autoConfig();
  }

  @Test
  void jsonWritesOneObjectPerLineWithTheMessageAsWrittenAndTheException() throws Exception {
    Path dataDir = dir.resolve("data");
    Path file = ServerLogging.configure(dataDir, LogFormat.JSON);

    LOG.warn("instance {} is\nunhappy", "shop", new IllegalStateException("boom"));

    assertThat(file).isEqualTo(dataDir.resolve("logs").resolve(ServerLogging.FILE_NAME));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)))
        .isEqualTo("rwx------");
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(1);
    JsonNode event = new ObjectMapper().readTree(lines.get(0));
    assertThat(event.get("level").asText()).isEqualTo("WARN");
    assertThat(event.get("loggerName").asText()).isEqualTo(ServerLoggingTest.class.getName());
    assertThat(event.get("formattedMessage").asText()).isEqualTo("instance shop is\nunhappy");
    assertThat(event.get("throwable").get("message").asText()).isEqualTo("boom");
    assertThat(event.has("timestamp")).isTrue();
    System.out.println("JSON log line: " + lines.get(0));
  }

  @Test
  void textWritesATimestampedLineWithTheLevelAndLogger() throws Exception {
    Path file = ServerLogging.configure(dir.resolve("data"), LogFormat.TEXT);

    LOG.warn("instance {} is unhappy", "shop");

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) WARN .*")
        .endsWith("ServerLoggingTest - instance shop is unhappy");
    System.out.println("text log line: " + lines.get(0));
  }
}

package dev.toygres.controlplane.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.toygres.controlplane.config.ConfigurationException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Where and how {@code toygres server} writes its own log (docs/logs.md): to standard error, as
 * before, and to {@code <data dir>/logs/toygres.log}, rotated at {@value #MAX_FILE_MB} MiB into
 * {@code toygres.1.log} ... {@code toygres.}{@value #KEPT_FILES}{@code .log} (the oldest dropped),
 * both in the chosen {@link LogFormat}. A second server on the same data directory, which finds the
 * file taken, writes {@code toygres-<pid>.log} instead. The level stays the configuration's ({@code
 * TOYGRES_LOG_LEVEL}, default WARN).
 */
public final class ServerLogging {
  /** The log file's name in {@code <data dir>/logs/}. */
  public static final String FILE_NAME = "toygres.log";

  static final int MAX_FILE_MB = 10;
  static final int KEPT_FILES = 5;
  private static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";

  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  /** Held for the life of the process: says which server writes {@code toygres.log}. */
  private static FileChannel lockChannel;

  private ServerLogging() {}

  /**
   * Sends the log to standard error and to a rotated file under {@code <dataDir>/logs/} (created,
   * 0700), in {@code format}; returns the file.
   *
   * @throws ConfigurationException if the log directory cannot be made
   */
  public static synchronized Path configure(Path dataDir, LogFormat format) {
    Path dir = dataDir.resolve("logs");
    String base;
    try {
      if (Files.notExists(dataDir)) {
        // Private from the start; the server's start gives it its final mode.
        Files.createDirectories(dataDir.toAbsolutePath().getParent());
        Files.createDirectory(dataDir, PRIVATE);
      }
      if (!Files.isDirectory(dir)) {
        Files.createDirectory(dir, PRIVATE);
      }
      base = ownsMainFile(dir) ? "toygres" : "toygres-" + ProcessHandle.current().pid();
    } catch (IOException e) {
      throw new ConfigurationException("Cannot make the log directory " + dir + ": " + e);
    }
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();

    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(ctx);
    console.setName("console");
    console.setTarget("System.err");
    console.setEncoder(encoder(ctx, format));
    console.start();

    Path file = dir.resolve(base + ".log");
    RollingFileAppender<ILoggingEvent> rolling = new RollingFileAppender<>();
    rolling.setContext(ctx);
    rolling.setName("file");
    rolling.setFile(file.toString());
    FixedWindowRollingPolicy window = new FixedWindowRollingPolicy();
    window.setContext(ctx);
    window.setParent(rolling);
    window.setFileNamePattern(dir.resolve(base + ".%i.log").toString());
    window.setMinIndex(1);
    window.setMaxIndex(KEPT_FILES);
    window.start();
    SizeBasedTriggeringPolicy<ILoggingEvent> size = new SizeBasedTriggeringPolicy<>();
    size.setContext(ctx);
    size.setMaxFileSize(FileSize.valueOf(MAX_FILE_MB + "MB"));
    size.start();
    rolling.setRollingPolicy(window);
    rolling.setTriggeringPolicy(size);
    rolling.setEncoder(encoder(ctx, format));
    rolling.start();

    root.addAppender(console);
    root.addAppender(rolling);
    return file;
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext ctx, LogFormat format) {
    if (format == LogFormat.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(ctx);
      // The message as written (not its template and arguments); no logback context per line.
      json.setWithFormattedMessage(true);
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithContext(false);
      json.setWithNanoseconds(false);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(ctx);
    text.setPattern(TEXT_PATTERN);
    text.start();
    return text;
  }

  /** Whether no other live process (or server in this one) writes {@code toygres.log}. */
  private static boolean ownsMainFile(Path dir) throws IOException {
    if (lockChannel != null) {
      return true;
    }
    FileChannel ch =
        FileChannel.open(
            dir.resolve(".toygres.log.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      return false;
    }
    lockChannel = ch;
    return true;
  }
}

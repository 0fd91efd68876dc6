package dev.toygres.postgres.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the postgres command line and starts the process, appending its output to the log file.
 */
final class Launcher {

  private static final List<Path> SETSID =
      List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

  private Launcher() {}

  /** The postgres command (without wrappers) for {@code spec} on {@code port}. */
  static List<String> postgresCommand(ServerSpec spec, int port) {
    List<String> command =
        new ArrayList<>(
            List.of(
                spec.binDir().resolve("postgres").toString(),
                "-D",
                spec.dataDir().toString(),
                "-p",
                Integer.toString(port)));
    for (Map.Entry<String, String> setting : new TreeMap<>(spec.settings()).entrySet()) {
      command.addAll(List.of("-c", setting.getKey() + "=" + setting.getValue()));
    }
    command.addAll(
        List.of(
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "unix_socket_directories="
                + (spec.socketDir() == null ? "" : spec.socketDir().toString())));
    if (spec.socketDir() != null) {
      command.addAll(List.of("-c", "unix_socket_permissions=0700"));
    }
    return command;
  }

  /**
   * Starts postgres in its own session (via setsid, which execs, so that terminal signals and
   * hangups aimed at this JVM do not reach it and it can outlive the JVM), as the server's OS user
   * ({@link RunAs}), with a clean environment. The log file must exist ({@link ServerFiles}).
   */
  static Process launch(ServerSpec spec, int port) throws IOException {
    List<String> command = new ArrayList<>();
    SETSID.stream()
        .filter(Files::isExecutable)
        .findFirst()
        .ifPresent(p -> command.add(p.toString()));
    command.addAll(RunAs.wrap(spec, postgresCommand(spec, port)));
    return ChildProcess.builder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
        .start();
  }
}

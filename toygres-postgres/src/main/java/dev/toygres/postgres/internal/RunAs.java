package dev.toygres.postgres.internal;

import dev.toygres.postgres.OsUser;
import dev.toygres.postgres.PostgresException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prefixes initdb and postgres commands so that they run as the server's OS user: through setpriv
 * when a run-as user is set (this JVM is then root), else as this JVM's user ({@link RootWrapper}).
 * setpriv execs, so the launched process's pid is the program's pid.
 */
final class RunAs {

  private static final List<Path> SETPRIV =
      List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

  private RunAs() {}

  /** {@code command} wrapped for {@code spec}'s OS user. */
  static List<String> wrap(ServerSpec spec, List<String> command) {
    return spec.runAs() == null ? RootWrapper.wrap(command) : setpriv(spec.runAs(), command);
  }

  /**
   * {@code command} run as {@code user}: real and effective uid and gid set, supplementary groups
   * dropped (so only the user's own uid and primary gid grant access), and no_new_privs set so that
   * nothing the server runs (archive_command, COPY ... PROGRAM) can regain privileges through
   * set-user-ID programs.
   */
  static List<String> setpriv(OsUser user, List<String> command) {
    Path setpriv =
        SETPRIV.stream()
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(
                () ->
                    new PostgresException(
                        "Cannot run PostgreSQL as the OS user '"
                            + user.name()
                            + "': setpriv is not installed (looked for "
                            + SETPRIV
                            + "); install util-linux."));
    List<String> wrapped =
        new ArrayList<>(
            List.of(
                setpriv.toString(),
                "--reuid=" + user.uid(),
                "--regid=" + user.gid(),
                "--clear-groups",
                "--no-new-privs",
                "--"));
    wrapped.addAll(command);
    return List.copyOf(wrapped);
  }
}

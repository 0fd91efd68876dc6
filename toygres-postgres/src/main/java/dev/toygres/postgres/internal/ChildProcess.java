package dev.toygres.postgres.internal;

import java.io.File;
import java.util.List;
import java.util.Map;

/**
 * Process builders for every program this module runs (initdb, postgres and helpers): a clean
 * environment, "/" as working directory and no input.
 */
final class ChildProcess {

  /**
   * The whole environment of a child: nothing of this JVM's (a server must not see the control
   * plane's variables, nor inherit PGDATA, PGPASSWORD and the like). PostgreSQL needs none of its
   * own; LC_ALL=C keeps messages and locale detection predictable.
   */
  static final Map<String, String> ENVIRONMENT = Map.of("PATH", "/usr/bin:/bin", "LC_ALL", "C");

  private static final File ROOT = new File("/");
  private static final File DEV_NULL = new File("/dev/null");

  private ChildProcess() {}

  /**
   * A builder for {@code command} with the clean environment. A command without a slash is still
   * found on this JVM's PATH (the JDK searches the parent's PATH).
   */
  static ProcessBuilder builder(List<String> command) {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(ROOT) // the JVM's directory may be closed to a server's OS user
            .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
    builder.environment().clear();
    builder.environment().putAll(ENVIRONMENT);
    return builder;
  }
}

package dev.toygres.postgres;

import java.nio.file.Path;

/**
 * Main class run in a child JVM by {@link EmbeddedPostgresIT}: starts the embedded database, writes
 * a row, prints "READY pid port" and waits to be killed.
 */
public final class EmbeddedPostgresChild {

  private EmbeddedPostgresChild() {}

  public static void main(String[] args) throws Exception {
    EmbeddedPostgres db = EmbeddedPostgres.start(Path.of(args[0]));
    Sql.execute(
        db.jdbcUrl(),
        db.user(),
        db.password(),
        "CREATE TABLE IF NOT EXISTS survivors (v text)",
        "INSERT INTO survivors VALUES ('child')");
    System.out.println("READY " + db.server().pid() + " " + db.server().port());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}

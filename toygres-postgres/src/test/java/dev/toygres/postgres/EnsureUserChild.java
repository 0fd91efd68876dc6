package dev.toygres.postgres;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JVM that ensures an OS user exists, for RunAsIT's race: prints "READY", waits until a start
 * file exists (so that several children start at the same moment), then prints "UID <uid>".
 */
public final class EnsureUserChild {

  private EnsureUserChild() {}

  /**
   * Ensures the user.
   *
   * @param args the user name and the start file
   * @throws InterruptedException if interrupted while waiting
   */
  public static void main(String[] args) throws InterruptedException {
    Path start = Path.of(args[1]);
    System.out.println("READY");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(start) && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    System.out.println("UID " + OsUser.ensureSystemUser(args[0]).uid());
  }
}

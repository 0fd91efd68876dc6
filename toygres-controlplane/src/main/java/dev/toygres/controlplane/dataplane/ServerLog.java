package dev.toygres.controlplane.dataplane;

import java.util.List;
import java.util.Objects;

/**
 * The end of one server's PostgreSQL log, as {@link DataPlane#logs} read it.
 *
 * @param member the server's name, as {@link Member#name()} shows it
 * @param role {@code primary} or {@code standby}
 * @param ordinal the server's ordinal ({@link Member#ordinal()})
 * @param lines complete lines, oldest first, without their line ends
 * @param end where the next read starts: the byte offset just after the last line returned (or
 *     after the last complete line of the log, when none is), to pass back in {@code after}
 */
public record ServerLog(String member, String role, int ordinal, List<String> lines, long end) {
  public ServerLog {
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(role, "role");
    lines = List.copyOf(lines);
    if (end < 0) {
      throw new IllegalArgumentException("end must not be negative: " + end);
    }
  }
}

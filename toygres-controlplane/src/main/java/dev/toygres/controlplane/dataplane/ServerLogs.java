package dev.toygres.controlplane.dataplane;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL logs of a local instance's servers ({@code postgres.log} in each server's
 * directory, where the server's output goes), read from their end, and kept under {@link
 * LogFiles#MAX_LOG_BYTES} each.
 */
final class ServerLogs {
  private static final Logger LOG = LoggerFactory.getLogger(ServerLogs.class);

  private ServerLogs() {}

  /** The primary first, then the others by ordinal; removed servers are absent. */
  static List<ServerLog> read(Topology t, int max, Map<Integer, Long> after) {
    List<Server> servers = new ArrayList<>();
    servers.add(t.primary());
    servers.addAll(t.others());
    List<ServerLog> out = new ArrayList<>();
    for (Server s : servers) {
      InstanceDir dir = s.dir();
      rotate(dir, s.name());
      long from = after.getOrDefault(s.ordinal(), 0L);
      LogFiles.Chunk chunk;
      try {
        chunk = LogFiles.tail(dir.logFile(), max, from);
      } catch (IOException e) {
        throw new DataPlaneException(
            s.name(),
            "read its log",
            "Cannot read the log " + dir.logFile() + " of '" + s.name() + "': " + e.getMessage(),
            e);
      }
      out.add(
          new ServerLog(
              s.name(),
              t.isPrimary(s.ordinal()) ? Member.PRIMARY : Member.STANDBY,
              s.ordinal(),
              chunk.lines(),
              chunk.end()));
    }
    return out;
  }

  /**
   * Rotates the server's log if it outgrew its cap; a failure is logged, not thrown (a log too
   * large must not stop a server from starting).
   */
  static void rotate(InstanceDir dir, String name) {
    try {
      if (LogFiles.rotate(dir.logFile(), LogFiles.MAX_LOG_BYTES)) {
        LOG.info(
            "Rotated the log of '{}' ({} and older kept)",
            name,
            LogFiles.rotated(dir.logFile(), 1));
      }
    } catch (IOException e) {
      LOG.warn("Cannot rotate the log {} of '{}': {}", dir.logFile(), name, e.toString());
    }
  }
}

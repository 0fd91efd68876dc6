package dev.toygres.controlplane.api;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.dataplane.ServerLog;
import dev.toygres.controlplane.instance.InstanceOperations;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /api/instances/{name}/logs?tail=N&after=CURSOR}: the end of the PostgreSQL log of each
 * of the instance's servers (docs/api.md#logs). {@code tail} (1 to {@value #MAX_TAIL}, default
 * {@value #DEFAULT_TAIL}) lines per server; {@code after}, a {@code cursor} of an earlier answer,
 * asks only for the lines written since.
 */
final class LogHandlers {
  static final int DEFAULT_TAIL = 100;
  static final int MAX_TAIL = 10_000;
  private static final Pattern CURSOR =
      Pattern.compile("\\d{1,3}-\\d{1,19}(\\.\\d{1,3}-\\d{1,19}){0,15}");

  private final InstanceOperations instances;

  LogHandlers(InstanceOperations instances) {
    this.instances = instances;
  }

  /** One server's lines. */
  record MemberLogView(String member, String role, int ordinal, List<String> lines) {}

  /**
   * The answer: the instance's name, its servers' lines, and the cursor to pass as {@code after}
   * for what comes next.
   */
  record LogsView(String instance, String cursor, List<MemberLogView> members) {}

  void logs(Context ctx) {
    String name = Params.instanceName(ctx);
    int tail = Params.intQuery(ctx, "tail", DEFAULT_TAIL, 1, MAX_TAIL);
    Map<Integer, Long> after = cursor(Params.optionalQuery(ctx, "after"));
    List<ServerLog> logs = instances.logs(name, tail, after);
    ctx.json(
        new LogsView(
            name,
            cursorOf(logs),
            logs.stream()
                .map(l -> new MemberLogView(l.member(), l.role(), l.ordinal(), l.lines()))
                .toList()));
  }

  /** {@code ordinal-offset} pairs joined by dots, e.g. {@code 0-8812.1-4410}. */
  static String cursorOf(List<ServerLog> logs) {
    StringBuilder b = new StringBuilder();
    for (ServerLog l : logs) {
      if (!b.isEmpty()) {
        b.append('.');
      }
      b.append(l.ordinal()).append('-').append(l.end());
    }
    return b.toString();
  }

  /** The offsets of a cursor, by ordinal; empty for none. */
  static Map<Integer, Long> cursor(String raw) {
    Map<Integer, Long> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    if (!CURSOR.matcher(raw).matches()) {
      throw new InvalidRequestException(
          "after", "after must be the cursor of an earlier answer (like 0-8812.1-4410)");
    }
    for (String pair : raw.split("\\.")) {
      String[] p = pair.split("-", 2);
      try {
        out.put(Integer.parseInt(p[0]), Long.parseLong(p[1]));
      } catch (NumberFormatException e) {
        throw new InvalidRequestException(
            "after", "after must be the cursor of an earlier answer (like 0-8812.1-4410)");
      }
    }
    return out;
  }
}

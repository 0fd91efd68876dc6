package dev.toygres.engine.client;

import dev.toygres.engine.OrchestrationStatus;
import java.util.Objects;
import java.util.Set;

/**
 * A filter and page request for {@link DurableClient#listInstances}. Results come newest first.
 *
 * @param statuses statuses to include; empty means all
 * @param name exact orchestration name, or null for all
 * @param instanceIdPrefix instance-id prefix, or null for all
 * @param limit page size, 1 to 1000
 * @param cursor the {@code nextCursor} of the previous page, or null for the first page
 */
public record InstanceQuery(
    Set<OrchestrationStatus> statuses,
    String name,
    String instanceIdPrefix,
    int limit,
    String cursor) {
  public static final int MAX_LIMIT = 1000;

  public InstanceQuery {
    statuses = Set.copyOf(Objects.requireNonNull(statuses, "statuses"));
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
    }
  }

  /** All instances, 100 a page. */
  public static InstanceQuery all() {
    return new InstanceQuery(Set.of(), null, null, 100, null);
  }

  public InstanceQuery withStatuses(Set<OrchestrationStatus> s) {
    return new InstanceQuery(s, name, instanceIdPrefix, limit, cursor);
  }

  public InstanceQuery withName(String n) {
    return new InstanceQuery(statuses, n, instanceIdPrefix, limit, cursor);
  }

  public InstanceQuery withInstanceIdPrefix(String p) {
    return new InstanceQuery(statuses, name, p, limit, cursor);
  }

  public InstanceQuery withLimit(int l) {
    return new InstanceQuery(statuses, name, instanceIdPrefix, l, cursor);
  }

  public InstanceQuery withCursor(String c) {
    return new InstanceQuery(statuses, name, instanceIdPrefix, limit, c);
  }
}

package dev.toygres.controlplane.cms;

import dev.toygres.engine.activity.LeaseFence;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Health checks written together: the checks that finish while another group is being written are
 * written next, all in one statement, the way a database groups commits. A server running many
 * checks at once (a fleet's batch of actor steps) so records a few dozen with one statement instead
 * of one each, which was the largest single cost of its metadata database (docs/benchmarks.md).
 *
 * <p>One group is written at a time (a check that finds none being written is a group of its own),
 * and its statement never waits for a row lock: the lease fences are checked with their set form
 * ({@link LeaseFence#asMember}) and the instances' rows locked with {@code SKIP LOCKED}. A check it
 * passes over (its row or its work item locked by another transaction right then, or its lease
 * gone) is written alone by its own thread with the statement of {@link HealthRecorder}, which
 * waits for the lock and says why it wrote nothing; so a row lock held elsewhere holds up that
 * check only, as it did before. So is every check of a group whose statement failed (its day's
 * partition missing, say).
 *
 * <p>With a meter registry, each group's size is recorded in {@code
 * toygres_health_write_group_checks} (docs/metrics.md#actors): its count is the statements written,
 * its sum the checks they took.
 */
final class HealthWrites {
  /** The most checks one statement writes. */
  static final int MAX_GROUP = 64;

  /** The group-size summary's name: {@code toygres_health_write_group_checks} in Prometheus. */
  static final String GROUP_METRIC = "toygres.health.write.group";

  // Every check of the group as a row of arrays (all text, cast here); the lease fences' set form;
  // the instances' rows locked without waiting (FOR NO KEY UPDATE, the lock the update takes
  // anyway, so rows that refer to an instance can still be inserted meanwhile); then the same
  // conditional update, check row and event as the statement for one check (HealthRecorder).
  private static final String RECORD =
      """
      WITH no_flush_wait AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true)),
      input AS MATERIALIZED (
        SELECT u.ord, u.id::uuid AS id, u.actor_id, string_to_array(u.states, ',') AS states,
          u.old_status, u.old_failures::int AS old_failures, u.status, u.failures::int AS failures,
          u.archive::boolean AS archive, u.archived_count::bigint AS archived_count, u.last_wal,
          u.last_archived_at::timestamptz AS last_archived_at,
          u.failed_count::bigint AS failed_count, u.last_failed_wal,
          u.last_failed_at::timestamptz AS last_failed_at, u.current_wal,
          u.observed_at::timestamptz AS observed_at, u.probe_status, u.postgres_version,
          u.response_time_ms::float8 AS response_time_ms, u.error_message,
          u.details::jsonb AS details, u.members::jsonb AS members, u.changed::boolean AS changed,
          u.message, u.metadata::jsonb AS metadata
        FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
            ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
            ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
            ?::text[], ?::text[])
          WITH ORDINALITY AS u(id, actor_id, states, old_status, old_failures, status, failures,
            archive, archived_count, last_wal, last_archived_at, failed_count, last_failed_wal,
            last_failed_at, current_wal, observed_at, probe_status, postgres_version,
            response_time_ms, error_message, details, members, changed, message, metadata, ord)),
      lease AS MATERIALIZED (%s),
      mine AS MATERIALIZED (
        SELECT t.ord FROM toygres_cms.instances x JOIN input t ON x.id = t.id
        WHERE t.ord IN (SELECT ord FROM lease)
        FOR NO KEY UPDATE OF x SKIP LOCKED),
      recorded AS (
        UPDATE toygres_cms.instances x
        SET health_status = t.status, consecutive_failures = t.failures,
          last_health_check = now(),
          archive_archived_count =
            CASE WHEN t.archive THEN t.archived_count ELSE x.archive_archived_count END,
          archive_last_wal = CASE WHEN t.archive THEN t.last_wal ELSE x.archive_last_wal END,
          archive_last_archived_at =
            CASE WHEN t.archive THEN t.last_archived_at ELSE x.archive_last_archived_at END,
          archive_failed_count =
            CASE WHEN t.archive THEN t.failed_count ELSE x.archive_failed_count END,
          archive_last_failed_wal =
            CASE WHEN t.archive THEN t.last_failed_wal ELSE x.archive_last_failed_wal END,
          archive_last_failed_at =
            CASE WHEN t.archive THEN t.last_failed_at ELSE x.archive_last_failed_at END,
          archive_current_wal =
            CASE WHEN t.archive THEN t.current_wal ELSE x.archive_current_wal END,
          archive_checked_at = CASE WHEN t.archive THEN t.observed_at ELSE x.archive_checked_at END
        FROM input t
        WHERE x.id = t.id AND t.ord IN (SELECT ord FROM mine)
          AND x.instance_actor_orchestration_id = t.actor_id AND x.monitoring_enabled
          AND x.state::text = ANY (t.states) AND x.health_status = t.old_status
          AND x.consecutive_failures = t.old_failures
        RETURNING t.ord, x.id),
      checked AS (
        INSERT INTO toygres_cms.instance_health_checks
          (instance_id, status, postgres_version, response_time_ms, error_message, details, actor_id,
           members)
        SELECT r.id, t.probe_status, t.postgres_version, t.response_time_ms, t.error_message,
          t.details, t.actor_id, t.members
        FROM recorded r JOIN input t ON t.ord = r.ord),
      changed AS (
        INSERT INTO toygres_cms.instance_events
          (instance_id, event_type, old_state, new_state, message, metadata)
        SELECT r.id, 'health_changed', t.old_status, t.status, t.message, t.metadata
        FROM recorded r JOIN input t ON t.ord = r.ord
        WHERE t.changed)
      SELECT t.ord, t.ord IN (SELECT ord FROM mine), t.ord IN (SELECT ord FROM recorded)
      FROM input t, no_flush_wait""";

  private static final int COLUMNS = 25;

  /** {@link #RECORD} made once per fence query. */
  private static final Map<String, String> SQL = new ConcurrentHashMap<>();

  /** One check to record, as {@link HealthRecorder#record} takes it. */
  record Check(
      UUID instanceId,
      HealthRecorder.Expected expected,
      Health next,
      ProbeResult probe,
      LeaseFence.Member fence) {
    Check {
      Objects.requireNonNull(fence, "fence");
    }
  }

  private final DataSource ds;
  private final DistributionSummary sizes;
  private final Together<Check, Boolean> groups = new Together<>(MAX_GROUP, this::write);

  /** Writes over {@code ds}; with {@code registry} (may be null), records the groups' sizes. */
  HealthWrites(DataSource ds, MeterRegistry registry) {
    this.ds = ds;
    this.sizes =
        registry == null
            ? null
            : DistributionSummary.builder(GROUP_METRIC)
                .baseUnit("checks")
                .description("health checks written by one statement (a group of checks)")
                .register(registry);
  }

  /**
   * Records {@code check} with whichever checks are waiting too: TRUE or FALSE as {@link
   * HealthRecorder#record} would answer, or null when it was passed over and nothing of it was
   * written (the caller records it alone). Waits while another group is being written.
   */
  Boolean record(Check check) {
    return groups.run(check);
  }

  /** How many checks wait for the group being written (for tests). */
  int waiting() {
    return groups.waiting();
  }

  /**
   * Writes the checks of one group, a statement per fence query; per check, TRUE or FALSE, or null
   * when passed over (also when its statement failed).
   */
  private List<Boolean> write(List<Check> group) {
    if (sizes != null) {
      sizes.record(group.size());
    }
    Map<Check, Boolean> out = new IdentityHashMap<>();
    Map<String, List<Check>> byFence =
        group.stream()
            .collect(
                Collectors.groupingBy(
                    k -> k.fence().sql(), LinkedHashMap::new, Collectors.toList()));
    for (Map.Entry<String, List<Check>> e : byFence.entrySet()) {
      List<Check> same = e.getValue();
      try {
        List<Boolean> answers = Db.auto(ds, c -> statement(c, e.getKey(), same));
        for (int i = 0; i < same.size(); i++) {
          out.put(same.get(i), answers.get(i));
        }
      } catch (RuntimeException failed) {
        // Each check is written alone and meets the failure (or the missing partition) itself.
      }
    }
    return group.stream().map(out::get).toList();
  }

  /**
   * Records {@code checks} (fences of one query) in one statement; per check, TRUE or FALSE, or
   * null when passed over.
   */
  static List<Boolean> statement(Connection c, String fenceSql, List<Check> checks)
      throws SQLException {
    String sql = SQL.computeIfAbsent(fenceSql, RECORD::formatted);
    String[][] columns = new String[COLUMNS][checks.size()];
    for (int i = 0; i < checks.size(); i++) {
      String[] row = row(checks.get(i));
      for (int k = 0; k < COLUMNS; k++) {
        columns[k][i] = row[k];
      }
    }
    int keys = checks.get(0).fence().key().size();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int p = 0;
      for (String[] column : columns) {
        ps.setArray(++p, c.createArrayOf("text", column));
      }
      for (int k = 0; k < keys; k++) {
        String[] key = new String[checks.size()];
        for (int i = 0; i < checks.size(); i++) {
          key[i] = String.valueOf(checks.get(i).fence().key().get(k));
        }
        ps.setArray(++p, c.createArrayOf("text", key));
      }
      Boolean[] answers = new Boolean[checks.size()];
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int at = rs.getInt(1) - 1;
          answers[at] = rs.getBoolean(2) ? rs.getBoolean(3) : null;
        }
      }
      return Arrays.asList(answers);
    }
  }

  /** A check's values, in the order of {@link #RECORD}'s columns. */
  private static String[] row(Check k) {
    HealthStatus old = k.expected().health().status();
    boolean changed = k.next().status() != old;
    ProbeResult probe = k.probe();
    WalArchive a = probe.archive();
    return new String[] {
      k.instanceId().toString(),
      k.expected().actorId(),
      k.expected().states().stream().map(InstanceState::dbName).collect(Collectors.joining(",")),
      old.dbName(),
      Integer.toString(k.expected().health().consecutiveFailures()),
      k.next().status().dbName(),
      Integer.toString(k.next().consecutiveFailures()),
      Boolean.toString(a != null),
      a == null ? null : Long.toString(a.archivedCount()),
      a == null ? null : a.lastArchivedWal(),
      a == null ? null : text(a.lastArchivedAt()),
      a == null ? null : Long.toString(a.failedCount()),
      a == null ? null : a.lastFailedWal(),
      a == null ? null : text(a.lastFailedAt()),
      a == null ? null : a.currentWal(),
      a == null ? null : text(a.observedAt()),
      probe.status().dbName(),
      probe.postgresVersion(),
      probe.responseTimeMs() == null ? null : Double.toString(probe.responseTimeMs()),
      probe.errorMessage(),
      HealthRecorder.details(probe),
      HealthRecorder.members(probe),
      Boolean.toString(changed),
      changed ? HealthRecorder.eventMessage(old, k.next(), probe) : null,
      changed ? HealthRecorder.eventMetadata(k.expected(), k.next()) : null
    };
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}

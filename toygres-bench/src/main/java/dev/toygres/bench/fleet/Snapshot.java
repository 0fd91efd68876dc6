package dev.toygres.bench.fleet;

import com.sun.management.OperatingSystemMXBean;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.postgres.PostgresServer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Everything measured at one edge of the window: the database's clock and sizes, CPU counters of
 * the JVM, the machine, the benchmark's PostgreSQLs and its poolers (ticks, -1 if unreadable; 0 for
 * no poolers), GC time.
 */
record Snapshot(
    Instant dbNow,
    long wallNanos,
    long jvmCpuNanos,
    ProcCpu.Machine machine,
    long metaTicks,
    long targetTicks,
    long poolerTicks,
    long dbSize,
    long cmsBytes,
    long engineBytes,
    long gcMillis) {

  private static final String SIZES =
      """
      SELECT clock_timestamp(), pg_database_size(current_database()),
        coalesce(sum(pg_total_relation_size(c.oid)) FILTER (WHERE n.nspname = ?), 0),
        coalesce(sum(pg_total_relation_size(c.oid)) FILTER (WHERE n.nspname = ?), 0)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'm')""";

  /**
   * Takes a snapshot through {@code m}, the run's measurement connection; the JVM's CPU is this
   * one's plus {@code otherJvmsCpuNanos} (the other servers' processes, see {@link FleetWorkers}).
   */
  static Snapshot take(
      Connection m, String engineSchema, FleetEnvironment env, long otherJvmsCpuNanos)
      throws SQLException {
    try (PreparedStatement ps = m.prepareStatement(SIZES)) {
      ps.setString(1, CmsStore.SCHEMA);
      ps.setString(2, engineSchema);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Snapshot(
            rs.getObject(1, OffsetDateTime.class).toInstant(),
            System.nanoTime(),
            ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime()
                + otherJvmsCpuNanos,
            ProcCpu.machine(),
            ProcCpu.tree(env.meta().server().pid()),
            sumOfTrees(env.targets().stream().map(PostgresServer::pid).toList()),
            sumOfTrees(env.poolerPids()),
            rs.getLong(2),
            rs.getLong(3),
            rs.getLong(4),
            totalGcMillis());
      }
    }
  }

  private static long sumOfTrees(List<Long> pids) {
    long sum = 0;
    for (long pid : pids) {
      long ticks = ProcCpu.tree(pid);
      sum = ticks < 0 || sum < 0 ? -1 : sum + ticks;
    }
    return sum;
  }

  private static long totalGcMillis() {
    long gc = 0;
    for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
      gc += Math.max(0, g.getCollectionTime());
    }
    return gc;
  }
}

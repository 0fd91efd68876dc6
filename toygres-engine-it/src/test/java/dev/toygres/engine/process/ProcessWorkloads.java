package dev.toygres.engine.process;

import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.worker.Registry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The orchestrations and activities the worker processes of the process-level tests run. Activities
 * leave traces the tests read back: lines in per-instance marker files and rows in a work log
 * table.
 */
public final class ProcessWorkloads {
  /** Orchestration: fast step, slow step (see {@link #SLOW}), fast step. */
  public static final String CRASH_SLOW = "crash-slow";

  /** Orchestration: a durable timer of the input's milliseconds, then an activity. */
  public static final String TIMER = "timer-then-step";

  /** Orchestration: calls {@link #WORK} {@code n} times in parallel and sums the results. */
  public static final String FAN_OUT = "fan-out";

  /**
   * Orchestration: the local activity {@link #MARK}, then (in the same step, before it commits) a
   * hold while {@code <dir>/<instance>.hold} exists, then a durable timer and the activity {@link
   * #STEP}: a test can kill the worker between the local activity's run and its step's commit.
   */
  public static final String LOCAL_THEN_HOLD = "local-then-hold";

  /**
   * Activity, called as a local activity: appends {@code mark <worker> <dispatch>} to the marker
   * file and returns {@code mark@<worker>}.
   */
  public static final String MARK = "mark";

  /** Activity: returns its input with {@code @<worker id>} appended. */
  public static final String STEP = "step";

  /**
   * Activity: appends {@code start <worker> <dispatch>} to {@code <dir>/<instance>.marker}, sleeps,
   * then appends {@code end <worker>} and returns the worker id. Its first dispatch sleeps far
   * longer than any test waits (so a test can kill the worker mid-activity without racing it);
   * later dispatches are short.
   */
  public static final String SLOW = "slow";

  /** Activity: sleeps, then inserts (instance, task, worker, dispatch) into {@code work_log}. */
  public static final String WORK = "work";

  /** Input of {@link #FAN_OUT}. */
  public record FanOut(int n, long workMillis) {}

  /** Input of {@link #WORK}. */
  public record Work(int index, long millis) {}

  static final long SLOW_FIRST_MILLIS = 120_000;
  static final long SLOW_AGAIN_MILLIS = 300;

  private ProcessWorkloads() {}

  /** The DDL of the work log table, in the engine's schema ({@code {s}}). */
  public static String workLogDdl() {
    return """
        CREATE TABLE {s}.work_log (
          instance_id text NOT NULL, task_id int NOT NULL, worker_id text NOT NULL,
          dispatch_count int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())""";
  }

  public static Path markerFile(Path dir, String instanceId) {
    return dir.resolve(instanceId + ".marker");
  }

  public static Path holdFile(Path dir, String instanceId) {
    return dir.resolve(instanceId + ".hold");
  }

  /**
   * Orchestration code that waits, in its step, while the hold file exists (a test's stand-in for a
   * worker stalled or dying before its commit); it notes {@code held <worker>} in the marker file
   * first. Not deterministic code, but it decides nothing.
   */
  private static void holdWhileAsked(Path dir, String instanceId, String workerId)
      throws IOException, InterruptedException {
    Path hold = holdFile(dir, instanceId);
    if (Files.exists(hold)) {
      append(markerFile(dir, instanceId), "held " + workerId);
      while (Files.exists(hold)) {
        Thread.sleep(20);
      }
    }
  }

  /**
   * The registry of a worker named {@code workerId}; activities write to {@code ds}/{@code schema}
   * and {@code dir}.
   */
  public static Registry registry(String workerId, DataSource ds, String schema, Path dir) {
    String insertWork =
        "INSERT INTO "
            + schema
            + ".work_log (instance_id, task_id, worker_id, dispatch_count) VALUES (?, ?, ?, ?)";
    return Registry.builder()
        .activity(STEP, String.class, (ctx, in) -> in + "@" + workerId)
        .activity(
            SLOW,
            String.class,
            (ctx, in) -> {
              Path marker = markerFile(dir, ctx.instanceId());
              append(marker, "start " + workerId + " " + ctx.dispatchCount());
              Thread.sleep(ctx.dispatchCount() == 1 ? SLOW_FIRST_MILLIS : SLOW_AGAIN_MILLIS);
              append(marker, "end " + workerId);
              return workerId;
            })
        .activity(
            WORK,
            Work.class,
            (ctx, in) -> {
              if (in.millis() > 0) {
                Thread.sleep(in.millis());
              }
              try (Connection c = ds.getConnection();
                  PreparedStatement ps = c.prepareStatement(insertWork)) {
                ps.setString(1, ctx.instanceId());
                ps.setInt(2, ctx.taskId());
                ps.setString(3, workerId);
                ps.setInt(4, ctx.dispatchCount());
                ps.executeUpdate();
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
              return in.index();
            })
        .activity(
            MARK,
            String.class,
            (ctx, in) -> {
              append(
                  markerFile(dir, ctx.instanceId()),
                  "mark " + workerId + " " + ctx.dispatchCount());
              return "mark@" + workerId;
            })
        .orchestration(
            LOCAL_THEN_HOLD,
            String.class,
            (ctx, in) -> {
              String marked = ctx.callLocalActivity(MARK, in, String.class).await();
              try {
                holdWhileAsked(dir, ctx.instanceId(), workerId);
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
              ctx.createTimer(Duration.ofMillis(100)).await();
              return marked + "|" + ctx.callActivity(STEP, "after", String.class).await();
            })
        .orchestration(
            CRASH_SLOW,
            String.class,
            (ctx, in) -> {
              String before = ctx.callActivity(STEP, "before", String.class).await();
              String slowBy = ctx.callActivity(SLOW, in, String.class).await();
              String after = ctx.callActivity(STEP, "after", String.class).await();
              return before + "|" + slowBy + "|" + after;
            })
        .orchestration(
            TIMER,
            Long.class,
            (ctx, millis) -> {
              ctx.createTimer(Duration.ofMillis(millis)).await();
              return ctx.callActivity(STEP, "fired", String.class).await();
            })
        .orchestration(
            FAN_OUT,
            FanOut.class,
            (ctx, in) -> {
              List<Task<Integer>> tasks = new ArrayList<>();
              for (int i = 0; i < in.n(); i++) {
                tasks.add(ctx.callActivity(WORK, new Work(i, in.workMillis()), Integer.class));
              }
              int sum = 0;
              for (int v : ctx.allOf(tasks).await()) {
                sum += v;
              }
              return sum;
            })
        .build();
  }

  private static void append(Path file, String line) throws IOException {
    Files.writeString(
        file,
        line + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
  }
}

package dev.toygres.controlplane.api;

import dev.toygres.controlplane.actor.DoctorOperations;
import dev.toygres.controlplane.actor.DoctorReport;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.QueueStats;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/system}: the control plane's own health in one document, for the console's system
 * page and for a person with curl. It joins what {@code /health/ready} answers (readiness and its
 * components, from the cached report), the singletons of {@code /api/actors/singletons} and the
 * actors per diagnosis (one doctor's report), the engine's queues ({@link DurableClient#queues()},
 * read on each request: one statement), and this server's identity. The answer is 200 whenever it
 * could be made, healthy or not; {@code healthy} and {@code problems} say which. While the metadata
 * database is unreachable the request fails like every {@code /api} request (503); {@code
 * /health/ready} still answers then.
 */
final class SystemHandlers {
  /**
   * Ready work older than this is a backlog (the {@code ToygresEngineBacklog} alert's threshold).
   */
  static final Duration BACKLOG_AFTER = Duration.ofMinutes(1);

  private final Supplier<HealthReport> health;
  private final DoctorOperations doctor;
  private final DurableClient engine;
  private final Instant startedAt = Instant.now();

  SystemHandlers(Supplier<HealthReport> health, DoctorOperations doctor, DurableClient engine) {
    this.health = health;
    this.doctor = doctor;
    this.engine = engine;
  }

  /**
   * The answer of {@code GET /api/system}.
   *
   * @param healthy ready, live, every component and singleton healthy, and no queue backlogged
   * @param problems one sentence per thing that is not healthy, empty when {@code healthy}
   * @param status {@code ok}, {@code unavailable} or {@code starting}, as {@code /health/ready}
   * @param checkedAt when the health report was made (the components' view)
   * @param actors how many actors the doctor gives each diagnosis, every diagnosis listed
   * @param reportedAt when the doctor's report was made (the database's clock)
   */
  record SystemView(
      boolean healthy,
      List<String> problems,
      String status,
      boolean ready,
      boolean live,
      Instant checkedAt,
      List<HealthReport.Component> components,
      List<DoctorReport.Singleton> singletons,
      Map<String, Integer> actors,
      Instant reportedAt,
      List<QueueView> queues,
      ServerView server) {}

  /** One engine queue: ready items and the age of the oldest, in seconds ({@code 0} when none). */
  record QueueView(String queue, long ready, double oldestReadySeconds, boolean healthy) {
    static QueueView of(QueueStats q) {
      return new QueueView(
          q.queue(),
          q.ready(),
          q.oldestReadyAge().toMillis() / 1000.0,
          q.oldestReadyAge().compareTo(BACKLOG_AFTER) <= 0);
    }
  }

  /** This server: its process id, when its API started, for how long, and its Java runtime. */
  record ServerView(long pid, Instant startedAt, double uptimeSeconds, String javaVersion) {}

  void get(Context ctx) {
    ctx.json(view());
  }

  SystemView view() {
    HealthReport h = health();
    DoctorReport report = doctor.diagnose();
    List<QueueView> queues = engine.queues().stream().map(QueueView::of).toList();
    Map<String, Integer> actors = new LinkedHashMap<>();
    report.counts().forEach((d, n) -> actors.put(d.label(), n));
    List<String> problems = problems(h, report.singletons(), queues);
    Instant now = Instant.now();
    return new SystemView(
        problems.isEmpty(),
        problems,
        h.status(),
        h.ready(),
        h.live(),
        h.checkedAt(),
        h.components(),
        report.singletons(),
        actors,
        report.at(),
        queues,
        new ServerView(
            ProcessHandle.current().pid(),
            startedAt,
            Duration.between(startedAt, now).toMillis() / 1000.0,
            Runtime.version().toString()));
  }

  private HealthReport health() {
    try {
      HealthReport r = health.get();
      if (r != null) {
        return r;
      }
    } catch (RuntimeException e) {
      // as /health/ready: a broken monitor reports the server not ready
    }
    return new HealthReport(HealthReport.STARTING, false, false, Instant.now(), List.of());
  }

  static List<String> problems(
      HealthReport h, List<DoctorReport.Singleton> singletons, List<QueueView> queues) {
    List<String> out = new ArrayList<>();
    if (!h.ready()) {
      out.add("the server is not ready (" + h.status() + ")");
    }
    if (!h.live()) {
      out.add("the server is not live: a worker loop has not made progress");
    }
    for (HealthReport.Component c : h.components()) {
      if (!c.healthy()) {
        out.add(
            "component "
                + c.name()
                + " is "
                + c.state()
                + (c.detail() == null ? "" : ": " + c.detail()));
      }
    }
    for (DoctorReport.Singleton s : singletons) {
      if (!s.healthy()) {
        out.add(
            "singleton "
                + s.name()
                + " is "
                + s.status()
                + (s.reason() == null ? "" : ": " + s.reason()));
      }
    }
    for (QueueView q : queues) {
      if (!q.healthy()) {
        out.add(
            "engine queue "
                + q.queue()
                + ": the oldest of "
                + q.ready()
                + " ready items waits for "
                + Math.round(q.oldestReadySeconds())
                + " s");
      }
    }
    return out;
  }
}

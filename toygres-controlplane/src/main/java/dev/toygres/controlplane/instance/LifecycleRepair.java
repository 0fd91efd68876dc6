package dev.toygres.controlplane.instance;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.OrchestrationAlreadyExistsException;
import dev.toygres.engine.client.StartOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds instances stuck in the middle of their lifecycle and sets them moving again, once per
 * supervisor round: an instance {@code creating} whose create orchestration has ended (failed,
 * cancelled, terminated, or completed without marking it running) or does not exist is rolled back
 * (its server and data removed, then {@code failed}) by a {@link
 * LifecycleOrchestrations#ROLL_BACK_CREATE} orchestration; an instance {@code deleting} whose
 * delete orchestration ended without deleting it or does not exist gets its delete started again,
 * every round until it is gone. Each repair is an orchestration (never done inline) and an event on
 * the instance. An orchestration that ended, or an instance last changed, less than the grace
 * period ago is left alone, so a just-started orchestration is not taken for a missing one and the
 * last activity of an ended one has time to finish. Ages are taken against the metadata database's
 * clock.
 */
public final class LifecycleRepair {
  private static final Logger LOG = LoggerFactory.getLogger(LifecycleRepair.class);

  /** The grace period the server uses. */
  public static final Duration GRACE = Duration.ofSeconds(10);

  /** What a round does to one instance. */
  public enum Action {
    NONE,
    ROLL_BACK_CREATE,
    RETRY_DELETE
  }

  /** What to do to an instance, and why (the event's message). */
  public record Decision(Action action, String reason) {
    public Decision {
      Objects.requireNonNull(action, "action");
    }

    static final Decision NONE = new Decision(Action.NONE, null);
  }

  /** A repair a round started: which instance, what, why. */
  public record Repair(String instance, Action action, String reason) {}

  private final CmsStore cms;
  private final DurableClient engine;
  private final MeterRegistry metrics;
  private final Duration grace;

  /** Counts the repairs it starts in {@code toygres_lifecycle_repairs_total{action}}. */
  public LifecycleRepair(
      CmsStore cms, DurableClient engine, MeterRegistry metrics, Duration grace) {
    this.cms = Objects.requireNonNull(cms, "cms");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    if (grace == null || grace.isNegative()) {
      throw new IllegalArgumentException("grace must be zero or positive");
    }
    this.grace = grace;
  }

  /** The id of the orchestration that rolls back an instance's create. */
  static String rollBackId(InstanceRecord r) {
    return "roll-back-" + r.k8sName();
  }

  /**
   * Decides what to do to one instance, from the instance, its create or delete orchestration
   * ({@code lifecycle}, empty if it does not exist), the roll-back orchestration of its create
   * ({@code rollBack}) and the database's {@code now}.
   */
  static Decision decide(
      InstanceRecord r,
      Optional<InstanceInfo> lifecycle,
      Optional<InstanceInfo> rollBack,
      Instant now,
      Duration grace) {
    InstanceState state = r.state();
    if (state != InstanceState.CREATING && state != InstanceState.DELETING) {
      return Decision.NONE;
    }
    boolean creating = state == InstanceState.CREATING;
    if (creating && rollBack.map(LifecycleRepair::running).orElse(false)) {
      return Decision.NONE;
    }
    Action action = creating ? Action.ROLL_BACK_CREATE : Action.RETRY_DELETE;
    String what = creating ? "create" : "delete";
    String id = creating ? r.createOrchestrationId() : r.deleteOrchestrationId();
    if (lifecycle.isEmpty()) {
      if (!past(r.updatedAt(), now, grace)) {
        return Decision.NONE;
      }
      return new Decision(
          action,
          "its " + what + " orchestration " + (id == null ? "" : id + " ") + "does not exist");
    }
    InstanceInfo o = lifecycle.get();
    if (running(o)) {
      return Decision.NONE;
    }
    Instant ended = o.completedAt() != null ? o.completedAt() : o.lastProgressAt();
    if (!past(ended, now, grace)) {
      return Decision.NONE;
    }
    String why =
        o.failure() == null || o.failure().message().isBlank() ? "" : ": " + o.failure().message();
    String outcome =
        o.status() == OrchestrationStatus.COMPLETED
            ? "completed without " + (creating ? "marking it running" : "deleting it")
            : o.status().dbName() + why;
    return new Decision(action, "its " + what + " orchestration " + o.instanceId() + " " + outcome);
  }

  /**
   * One round: decides for every instance creating or deleting and starts the repairs. A repair
   * that cannot be started is logged and tried again next round. Returns the repairs started.
   */
  public List<Repair> runRound() {
    List<InstanceRecord> unfinished = cms.listUnfinished();
    if (unfinished.isEmpty()) {
      return List.of();
    }
    Instant now = cms.databaseNow();
    List<String> ids = new ArrayList<>();
    for (InstanceRecord r : unfinished) {
      ids.add(lifecycleId(r));
      ids.add(rollBackId(r));
    }
    Map<String, InstanceInfo> found =
        engine.getInstances(ids.stream().filter(Objects::nonNull).toList());
    List<Repair> started = new ArrayList<>();
    for (InstanceRecord r : unfinished) {
      String lifecycleId = lifecycleId(r);
      Decision d =
          decide(
              r,
              Optional.ofNullable(lifecycleId == null ? null : found.get(lifecycleId)),
              Optional.ofNullable(found.get(rollBackId(r))),
              now,
              grace);
      try {
        if (act(r, d)) {
          started.add(new Repair(r.userName(), d.action(), d.reason()));
        }
      } catch (RuntimeException e) {
        LOG.warn(
            "could not repair instance {} ({}), trying again next round: {}",
            r.userName(),
            d.reason(),
            e.toString());
      }
    }
    return started;
  }

  private boolean act(InstanceRecord r, Decision d) {
    switch (d.action()) {
      case NONE -> {
        return false;
      }
      case ROLL_BACK_CREATE -> {
        try {
          engine.start(
              LifecycleOrchestrations.ROLL_BACK_CREATE,
              rollBackId(r),
              new InstanceActivities.Failure(r.id(), d.reason()),
              replaceIfEnded());
        } catch (OrchestrationAlreadyExistsException alreadyRunning) {
          return false;
        }
        count(d);
        cms.event(r.id(), "create_rolling_back", "create will not finish (" + d.reason() + ")");
      }
      case RETRY_DELETE -> {
        String id = InstanceService.deleteOrchestrationId(r);
        try {
          if (cms.startDeleting(
                  r.id(),
                  EnumSet.of(InstanceState.DELETING),
                  id,
                  "delete retried",
                  tx -> InstanceService.startDelete(engine, tx, id, r.id()))
              .isEmpty()) {
            return false;
          }
        } catch (OrchestrationAlreadyExistsException alreadyRunning) {
          return false;
        }
        count(d);
        cms.event(r.id(), "delete_retried", "delete started again (" + d.reason() + ")");
      }
    }
    LOG.info("instance {}: {} ({})", r.userName(), d.action(), d.reason());
    return true;
  }

  private void count(Decision d) {
    metrics
        .counter(
            "toygres_lifecycle_repairs_total", "action", d.action().name().toLowerCase(Locale.ROOT))
        .increment();
  }

  private static String lifecycleId(InstanceRecord r) {
    return r.state() == InstanceState.CREATING
        ? r.createOrchestrationId()
        : r.deleteOrchestrationId();
  }

  private static StartOptions replaceIfEnded() {
    return StartOptions.defaults().withIfExists(StartOptions.IfExists.REPLACE_IF_ENDED);
  }

  private static boolean running(InstanceInfo o) {
    return !o.status().isTerminal();
  }

  /**
   * Whether {@code since} lies at least {@code grace} before {@code now}. A time after {@code now}
   * (a clock stepped back) counts as past: it must not hide a stuck instance for good.
   */
  private static boolean past(Instant since, Instant now, Duration grace) {
    if (since == null) {
      return true;
    }
    Duration age = Duration.between(since, now);
    return age.isNegative() || age.compareTo(grace) >= 0;
  }
}

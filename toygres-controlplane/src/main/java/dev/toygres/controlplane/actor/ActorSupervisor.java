package dev.toygres.controlplane.actor;

import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.orchestration.OrchestrationContext;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actor supervisor: one orchestration for all servers sharing a database (a fixed instance id),
 * that diagnoses the fleet every supervisor interval and, unless auto-repair is off, repairs stale,
 * zombie, missing and dead actors and ends orphans. Cancelled actors are never touched. Each round
 * first runs the server's "ensure the other singletons run" hook (the pruner is started again if it
 * ended), whose failure is logged and does not stop the round.
 */
public final class ActorSupervisor {
  private static final Logger LOG = LoggerFactory.getLogger(ActorSupervisor.class);
  public static final String NAME = "toygres.actor-supervisor";
  public static final String INSTANCE_ID = "toygres-actor-supervisor";
  static final String ACTIVITY = "toygres.actor-supervisor.round";

  /** What one round found (counts per diagnosis) and how many repairs it made. */
  public record Round(long round, Map<String, Integer> found, int repaired, boolean autoRepair) {}

  private ActorSupervisor() {}

  public static Registry.Builder register(
      Registry.Builder b,
      ActorDoctor doctor,
      ActorRecovery recovery,
      Duration interval,
      boolean autoRepair) {
    return register(b, doctor, recovery, interval, autoRepair, () -> {}, () -> {});
  }

  /**
   * Registers the supervisor. Every round (in its activity, outside the orchestration's history)
   * first runs {@code eachRound} (e.g. to start the pruner again), then diagnoses the fleet and,
   * unless auto-repair is off, repairs actors and then runs {@code repairs} (e.g. to finish or roll
   * back stuck lifecycle states).
   */
  public static Registry.Builder register(
      Registry.Builder b,
      ActorDoctor doctor,
      ActorRecovery recovery,
      Duration interval,
      boolean autoRepair,
      Runnable eachRound,
      Runnable repairs) {
    return b.activity(
            ACTIVITY,
            Long.class,
            (ctx, round) -> {
              try {
                eachRound.run();
              } catch (RuntimeException e) {
                LOG.warn(
                    "supervisor round {}: ensuring the other singletons failed: {}",
                    round,
                    e.toString());
              }
              Map<String, Integer> found = new TreeMap<>();
              doctor.diagnose().counts().forEach((d, n) -> found.put(d.label(), n));
              int repaired = 0;
              if (autoRepair) {
                EnumSet<Diagnosis> repairable = EnumSet.copyOf(Diagnosis.REPAIRABLE);
                repaired =
                    (int)
                        recovery.recover(repairable, false, Initiator.SUPERVISOR).stream()
                            .filter(r -> !r.action().equals("skipped"))
                            .count();
                repairs.run();
              }
              return new Round(round, found, repaired, autoRepair);
            })
        .orchestration(NAME, Long.class, (ctx, round) -> run(ctx, round, interval));
  }

  private static Void run(OrchestrationContext ctx, Long round, Duration interval) {
    try {
      Round r = ctx.callActivity(ACTIVITY, round, Round.class).await();
      ctx.setCustomStatus(r);
      if (r.repaired() > 0) {
        ctx.logger()
            .info("supervisor round {}: repaired {} actors ({})", round, r.repaired(), r.found());
      }
    } catch (TaskFailedException e) {
      ctx.logger()
          .warn("supervisor round {} failed, trying again next interval: {}", round, e.failure());
    }
    ctx.createTimer(interval).await();
    ctx.continueAsNew(round + 1);
    return null;
  }

  /** Starts the supervisor unless it runs already (one for all servers sharing the database). */
  public static void ensureRunning(DurableClient engine) {
    engine.startIfNotRunning(NAME, INSTANCE_ID, 0L);
  }
}

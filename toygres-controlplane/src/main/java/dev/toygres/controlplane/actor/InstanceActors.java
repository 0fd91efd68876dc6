package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.HealthRecorder;
import dev.toygres.controlplane.cms.RestartRecorder;
import dev.toygres.controlplane.cms.StandbyRestarts;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.worker.Registry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * The registrations the instance actors run on: the actor orchestration ({@link InstanceActor}) and
 * its one activity ({@link ActorCheck}). The server and the fleet benchmark both call {@link
 * #register}, so what the benchmark measures is what the server runs.
 */
public final class InstanceActors {
  /** The default {@code --probe-retry-delay}. */
  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(2);

  private InstanceActors() {}

  /**
   * How the actors watch and heal: the health interval, the failed probes that make an instance
   * unhealthy, how soon a failed probe is retried, and how a crashed server is restarted.
   *
   * @param healthInterval how long an actor waits between two checks (unless a message wakes it)
   * @param failureThreshold consecutive failed probes that turn an instance unhealthy (at least 1)
   * @param retryDelay how soon a failed probe below the threshold is retried (positive)
   * @param restart how a crashed server is restarted
   * @param failoverCooldown how long after a failover completed no other starts automatically
   */
  public record Settings(
      Duration healthInterval,
      int failureThreshold,
      Duration retryDelay,
      RestartPolicy restart,
      Duration failoverCooldown) {
    public Settings {
      Objects.requireNonNull(healthInterval, "healthInterval");
      Objects.requireNonNull(failoverCooldown, "failoverCooldown");
      Objects.requireNonNull(retryDelay, "retryDelay");
      Objects.requireNonNull(restart, "restart");
      if (failureThreshold < 1) {
        throw new IllegalArgumentException(
            "failureThreshold must be at least 1, was " + failureThreshold);
      }
      if (retryDelay.isNegative() || retryDelay.isZero()) {
        throw new IllegalArgumentException("retryDelay must be positive, was " + retryDelay);
      }
    }
  }

  /**
   * Adds the instance actor and its check to {@code registry}, for actors that watch and do not
   * restart (the fleet benchmark, whose instances are not on a data plane).
   *
   * @param healthInterval how long an actor waits between two checks (unless a message wakes it)
   * @param probe the health probe the check runs against a running instance
   * @param failureThreshold consecutive failed probes that turn an instance unhealthy (at least 1)
   * @return {@code registry}, for chaining
   */
  public static Registry.Builder register(
      Registry.Builder registry,
      Duration healthInterval,
      CmsStore cms,
      HealthRecorder health,
      SecretBox secrets,
      HealthProbe probe,
      int failureThreshold) {
    Settings s =
        new Settings(
            healthInterval,
            failureThreshold,
            DEFAULT_RETRY_DELAY,
            RestartPolicy.DEFAULT,
            ServerConfig.DEFAULT_FAILOVER_COOLDOWN);
    return add(
        registry,
        s,
        new ActorCheck(
            cms,
            health,
            secrets,
            probe,
            failureThreshold,
            s.retryDelay(),
            null,
            null,
            null,
            CheckMetrics.NONE));
  }

  /**
   * Adds the instance actor and its check to {@code registry}, for actors that also restart a
   * crashed server on {@code dataPlane} (docs/actor.md#crash-restart), watch every server of an
   * instance with standbys, restarting a stopped standby (docs/actor.md#watching-the-members),
   * counting each attempt in {@code metrics}, and fail an instance with replicas over to a standby
   * through {@code engine} (docs/replication.md#failover).
   *
   * @return {@code registry}, for chaining
   */
  public static Registry.Builder register(
      Registry.Builder registry,
      Settings settings,
      CmsStore cms,
      HealthRecorder health,
      SecretBox secrets,
      HealthProbe probe,
      DataPlane dataPlane,
      DurableClient engine,
      MeterRegistry metrics) {
    CrashRestart restart =
        new CrashRestart(
            new RestartRecorder(cms.dataSource()), dataPlane, settings.restart(), metrics);
    return add(
        registry,
        settings,
        new ActorCheck(
            cms,
            health,
            secrets,
            probe,
            settings.failureThreshold(),
            settings.retryDelay(),
            restart,
            new AutoFailover(cms, dataPlane, secrets, engine, settings.failoverCooldown(), metrics),
            new MemberWatch(dataPlane, secrets, new StandbyRestarts(cms.dataSource()), metrics),
            new CheckMetrics(metrics, settings.healthInterval())));
  }

  private static Registry.Builder add(Registry.Builder registry, Settings s, ActorCheck check) {
    // Version 1 stays registered for actors that started on it: each moves to the newest version
    // at its next continue-as-new (docs/actor.md#versions-the-quick-check).
    return registry
        .orchestration(
            InstanceActor.NAME, InstanceActor.Input.class, new InstanceActor(s.healthInterval()))
        .orchestration(
            InstanceActor.NAME,
            InstanceActor.QUICK_CHECK_VERSION,
            InstanceActor.Input.class,
            new InstanceActor(s.healthInterval(), true))
        .activity(ActorCheck.NAME, ActorCheck.Input.class, check)
        .activity(ActorCheck.QUICK, ActorCheck.Input.class, check.quick());
  }
}

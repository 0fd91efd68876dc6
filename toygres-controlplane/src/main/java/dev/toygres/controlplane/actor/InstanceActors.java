package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.HealthRecorder;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import java.util.Objects;

/**
 * The registrations the instance actors run on: the actor orchestration ({@link InstanceActor}) and
 * its one activity ({@link ActorCheck}). The server and the fleet benchmark both call {@link
 * #register}, so what the benchmark measures is what the server runs.
 */
public final class InstanceActors {
  private InstanceActors() {}

  /**
   * Adds the instance actor and its check to {@code registry}.
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
    Objects.requireNonNull(healthInterval, "healthInterval");
    if (failureThreshold < 1) {
      throw new IllegalArgumentException(
          "failureThreshold must be at least 1, was " + failureThreshold);
    }
    return registry
        .orchestration(
            InstanceActor.NAME, InstanceActor.Input.class, new InstanceActor(healthInterval))
        .activity(
            ActorCheck.NAME,
            ActorCheck.Input.class,
            new ActorCheck(cms, health, secrets, probe, failureThreshold));
  }
}

package dev.toygres.controlplane.cms;

import java.time.Instant;
import java.util.UUID;

/** Instance rows for tests of the rules that read them: instance {@code web}, PostgreSQL 18. */
public final class InstanceRecords {
  public static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000007");
  public static final String ACTOR = "actor-web-abc123-0badf00d";

  private InstanceRecords() {}

  /** A current instance in {@code state}, watched by {@link #ACTOR} with monitoring on. */
  public static InstanceRecord web(InstanceState state) {
    return web(state, ACTOR, true, true);
  }

  /**
   * An instance in {@code state} whose recorded actor is {@code actorId}; {@code secretsSealed}:
   * whether the control plane holds its secrets (false: waiting for the access upgrade).
   */
  public static InstanceRecord web(
      InstanceState state, String actorId, boolean monitoring, boolean secretsSealed) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    String sealed = secretsSealed ? "v1:sealed" : null;
    return new InstanceRecord(
        ID,
        "web",
        "web-abc123",
        "toygres",
        "18",
        1,
        state,
        HealthStatus.HEALTHY,
        t,
        0,
        monitoring,
        "create-web-abc123",
        null,
        actorId,
        "local",
        "127.0.0.1",
        15432,
        "postgres",
        new InstanceRecord.Access(1, "/tmp/toygres-x/web-abc123", null, sealed, sealed),
        "/data/web-abc123",
        42L,
        t,
        t,
        t,
        null,
        null,
        "{}");
  }
}

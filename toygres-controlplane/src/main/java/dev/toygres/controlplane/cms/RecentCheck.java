package dev.toygres.controlplane.cms;

import java.time.Instant;

/**
 * What the fleet view shows of one health check: when, how it went, how long it took, and what it
 * saw of the instance's servers ({@code members}: a JSON array of {@link MemberCheck}s with
 * snake_case keys, or null for an instance without standbys).
 */
public record RecentCheck(
    Instant checkedAt, HealthStatus status, Double responseTimeMs, String members) {}

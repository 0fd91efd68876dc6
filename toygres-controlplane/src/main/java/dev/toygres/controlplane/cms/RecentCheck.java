package dev.toygres.controlplane.cms;

import java.time.Instant;

/** What the fleet view shows of one health check: when, how it went, how long it took. */
public record RecentCheck(Instant checkedAt, HealthStatus status, Double responseTimeMs) {}

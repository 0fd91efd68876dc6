package dev.toygres.engine.store.internal;

import java.time.Instant;

/** A message a step sends, to its own instance (timers) or to another (parent, children). */
public record OutboundMessage(String instanceId, QueueMessage message, Instant visibleAt) {}

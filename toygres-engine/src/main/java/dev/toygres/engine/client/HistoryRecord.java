package dev.toygres.engine.client;

import dev.toygres.engine.history.HistoryEvent;
import java.time.Instant;

/** One stored history event with its position in the execution and the time it was written. */
public record HistoryRecord(int sequence, Instant recordedAt, HistoryEvent event) {}

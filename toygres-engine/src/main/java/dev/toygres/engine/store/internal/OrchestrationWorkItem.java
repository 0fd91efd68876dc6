package dev.toygres.engine.store.internal;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.history.HistoryEvent;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An orchestration instance leased to one worker for one step: its current execution's history and
 * the messages waiting for it.
 *
 * @param version the execution's version, or null when it is still to be resolved
 * @param dispatchCount how many times this step has been dispatched without committing
 * @param now the database's clock when the item was fetched
 * @param takenOver whether this fetch took the instance over from an expired lease (another
 *     worker's, or this one's after a pause) rather than finding it free
 */
public record OrchestrationWorkItem(
    String instanceId,
    UUID lockToken,
    String name,
    String version,
    OrchestrationStatus status,
    int executionId,
    List<HistoryEvent> history,
    List<QueueMessage> messages,
    int dispatchCount,
    String lastError,
    Instant now,
    boolean takenOver) {}

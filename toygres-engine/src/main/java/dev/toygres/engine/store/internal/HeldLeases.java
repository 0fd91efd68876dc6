package dev.toygres.engine.store.internal;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * What a lease renewal found still held: a lock token or an activity work item missing here was
 * taken over by another worker (after this one's lease expired), or its work ended meanwhile.
 *
 * @param orchestrationTokens the orchestration lock tokens some instance is still leased under
 * @param activityItems activity work item id to the token it is leased under, for the items still
 *     leased under one of the renewed tokens
 */
public record HeldLeases(Set<UUID> orchestrationTokens, Map<Long, UUID> activityItems) {
  public HeldLeases {
    orchestrationTokens = Set.copyOf(Objects.requireNonNull(orchestrationTokens));
    activityItems = Map.copyOf(Objects.requireNonNull(activityItems));
  }

  /** The activity lock tokens still held by at least one item. */
  public Set<UUID> activityTokens() {
    return Set.copyOf(activityItems.values());
  }

  /** Whether activity work item {@code id} is still leased under {@code token}. */
  public boolean holdsActivity(long id, UUID token) {
    return token.equals(activityItems.get(id));
  }
}

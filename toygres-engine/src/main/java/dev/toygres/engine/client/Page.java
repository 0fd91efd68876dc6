package dev.toygres.engine.client;

import java.util.List;

/** One page of results; {@code nextCursor} is null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {
  public Page {
    items = List.copyOf(items);
  }
}

package dev.toygres.controlplane.server;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A read of the metadata database for a gauge that fails at once, without trying, while the
 * server's health monitor finds the database unreachable: a scrape then shows the last values
 * ({@link FleetMetrics.Cached}) instead of waiting on a database that does not answer.
 */
final class GatedRead {
  private GatedRead() {}

  static <T> Supplier<T> of(BooleanSupplier reachable, Supplier<T> read) {
    return () -> {
      if (!reachable.getAsBoolean()) {
        throw new IllegalStateException("the metadata database is unreachable");
      }
      return read.get();
    };
  }
}

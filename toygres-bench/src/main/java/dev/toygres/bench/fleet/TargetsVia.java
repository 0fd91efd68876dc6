package dev.toygres.bench.fleet;

import java.util.Locale;

/**
 * How the instances reach the probe targets: {@link #DIRECT}ly (every probe connection is a backend
 * of a target server), or through {@link #PGBOUNCER}, one Debian pgbouncer per target in
 * transaction pooling, so that tens of thousands of client connections share a few server ones.
 */
enum TargetsVia {
  DIRECT,
  PGBOUNCER;

  /** The name on the command line and in the JSON summary. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code direct} or {@code pgbouncer} (any case). */
  static TargetsVia parse(String text) {
    for (TargetsVia v : values()) {
      if (v.label().equalsIgnoreCase(text.trim())) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "--targets-via must be direct or pgbouncer, was '" + text + "'");
  }
}

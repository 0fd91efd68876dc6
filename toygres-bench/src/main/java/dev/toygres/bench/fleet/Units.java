package dev.toygres.bench.fleet;

import java.util.Locale;

/** How the fleet report writes its figures; NaN is "-", an unknown percentage (-1) "n/a". */
final class Units {
  private Units() {}

  /** Milliseconds, in seconds with one decimal from 10 s on. */
  static String ms(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (Math.abs(v) >= 10_000) {
      return String.format(Locale.ROOT, "%.1f s", v / 1000);
    }
    return String.format(Locale.ROOT, "%.0f ms", v);
  }

  /** One decimal. */
  static String f1(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  /** A whole percentage. */
  static String pct(double v) {
    return v < 0 || Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", v);
  }
}

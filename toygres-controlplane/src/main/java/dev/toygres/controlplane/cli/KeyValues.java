package dev.toygres.controlplane.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A readable {@code key: value} block, values aligned; {@link #section} starts an indented group
 * under a title line.
 */
final class KeyValues {
  private record Entry(int indent, String key, String value) {}

  private final List<Entry> entries = new ArrayList<>();
  private int indent;

  /** Adds {@code key: value}; null and blank values show as {@code -}. */
  KeyValues add(String key, Object value) {
    String v = value == null ? "" : value.toString();
    entries.add(new Entry(indent, key, v.isBlank() ? "-" : v));
    return this;
  }

  /** A title line; the entries after it are indented until {@link #end}. */
  KeyValues section(String title) {
    entries.add(new Entry(indent, title, null));
    indent++;
    return this;
  }

  KeyValues end() {
    indent = Math.max(0, indent - 1);
    return this;
  }

  String render() {
    int width = 0;
    for (Entry e : entries) {
      if (e.value() != null) {
        width = Math.max(width, 2 * e.indent() + e.key().length() + 1);
      }
    }
    StringBuilder b = new StringBuilder();
    for (Entry e : entries) {
      String head = "  ".repeat(e.indent()) + e.key() + ":";
      if (e.value() == null) {
        b.append(head).append('\n');
      } else {
        b.append(head).append(" ".repeat(width - head.length() + 2)).append(e.value()).append('\n');
      }
    }
    return b.toString();
  }
}

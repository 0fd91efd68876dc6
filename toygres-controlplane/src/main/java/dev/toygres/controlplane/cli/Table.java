package dev.toygres.controlplane.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table: left-aligned columns two spaces apart; empty cells show as {@code -}. */
final class Table {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... headers) {
    this.headers = List.of(headers);
  }

  /** Adds a row; missing trailing cells are empty, nulls and blanks show as {@code -}. */
  Table row(Object... cells) {
    if (cells.length > headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, table has " + headers.size() + " columns");
    }
    List<String> r = new ArrayList<>(Arrays.asList(new String[headers.size()]));
    for (int i = 0; i < headers.size(); i++) {
      Object c = i < cells.length ? cells[i] : null;
      String s = c == null ? "" : c.toString().replaceAll("[\\r\\n\\t]+", " ");
      r.set(i, s.isBlank() ? "-" : s);
    }
    rows.add(r);
    return this;
  }

  int size() {
    return rows.size();
  }

  /** The table, one line per row after the header line, each ending in a newline. */
  String render() {
    int[] width = new int[headers.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = headers.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    StringBuilder b = new StringBuilder();
    line(b, headers, width);
    for (List<String> r : rows) {
      line(b, r, width);
    }
    return b.toString();
  }

  private static void line(StringBuilder b, List<String> cells, int[] width) {
    StringBuilder l = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        l.append("  ");
      }
      l.append(cells.get(i));
      l.append(" ".repeat(width[i] - cells.get(i).length()));
    }
    b.append(l.toString().stripTrailing()).append('\n');
  }
}

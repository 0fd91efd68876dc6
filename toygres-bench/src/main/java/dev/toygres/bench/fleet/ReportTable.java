package dev.toygres.bench.fleet;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A Markdown table with one row per figure and one column per run: labels left-aligned, figures
 * right-aligned, a separator under the first row.
 */
final class ReportTable<R> {
  private final List<R> runs;
  private final List<String[]> rows = new ArrayList<>();

  ReportTable(List<R> runs) {
    this.runs = List.copyOf(runs);
  }

  /** Adds a row: {@code label}, then {@code cell} of each run. */
  ReportTable<R> row(String label, Function<R, String> cell) {
    String[] row = new String[runs.size() + 1];
    row[0] = label;
    for (int i = 0; i < runs.size(); i++) {
      row[i + 1] = cell.apply(runs.get(i));
    }
    rows.add(row);
    return this;
  }

  void print(PrintStream out) {
    int[] width = new int[runs.size() + 1];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (int k = 0; k < rows.size(); k++) {
      String[] row = rows.get(k);
      StringBuilder line = new StringBuilder("| ");
      for (int i = 0; i < row.length; i++) {
        String cell = row[i];
        String pad = " ".repeat(width[i] - cell.length());
        line.append(i == 0 ? cell + pad : pad + cell).append(" | ");
      }
      out.println(line.toString().stripTrailing());
      if (k == 0) {
        StringBuilder sep = new StringBuilder("|");
        for (int w : width) {
          sep.append("-".repeat(w + 2)).append("|");
        }
        out.println(sep);
      }
    }
  }
}

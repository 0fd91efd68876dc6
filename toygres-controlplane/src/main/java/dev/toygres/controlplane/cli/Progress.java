package dev.toygres.controlplane.cli;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * Progress of a wait on stderr: one line per change of what the orchestration reports, with the
 * time since the wait began, and on a terminal a live spinner line below them.
 */
final class Progress {
  private static final String FRAMES = "|/-\\";

  private final PrintWriter err;
  private final boolean tty;
  private String last;
  private int frame;
  private boolean spinnerShown;

  Progress(PrintWriter err, boolean tty) {
    this.err = err;
    this.tty = tty;
  }

  /** Reports the current status; prints a line only if it differs from the last one. */
  void update(Duration elapsed, String status) {
    if (status != null && !status.equals(last)) {
      clearSpinner();
      err.println("  " + pad(Times.elapsed(elapsed)) + "  " + status);
      last = status;
    }
    if (tty) {
      clearSpinner();
      err.print(
          FRAMES.charAt(frame++ % FRAMES.length())
              + " "
              + Times.elapsed(elapsed)
              + (last == null ? "" : "  " + last));
      spinnerShown = true;
    }
    err.flush();
  }

  /** Removes the spinner line, leaving the change lines. */
  void finish() {
    clearSpinner();
    err.flush();
  }

  private void clearSpinner() {
    if (spinnerShown) {
      err.print("\r\033[2K");
      spinnerShown = false;
    }
  }

  private static String pad(String s) {
    return s.length() >= 6 ? s : " ".repeat(6 - s.length()) + s;
  }
}

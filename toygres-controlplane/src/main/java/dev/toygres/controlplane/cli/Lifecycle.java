package dev.toygres.controlplane.cli;

/** What the lifecycle commands share about an orchestration's end. */
final class Lifecycle {
  private Lifecycle() {}

  /** Throws a {@link CliException} with the orchestration's error unless it completed. */
  static void requireCompleted(OrchestrationWaiter.Outcome o, String what, String id) {
    if (o.completed()) {
      return;
    }
    String error = o.error();
    throw CliException.local(
        what
            + " "
            + o.status()
            + " after "
            + Times.elapsed(o.elapsed())
            + (error == null ? "" : ": " + error)
            + " (details: toygres orchestrations get "
            + id
            + ")");
  }
}

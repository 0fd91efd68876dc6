package dev.toygres.bench.fleet;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the benchmark started, closed in reverse order exactly once: at the end of a run, at the end
 * of the benchmark, or from the JVM's shutdown hook (Ctrl-C), whichever comes first.
 */
final class Closer {
  private final Deque<Entry> open = new ArrayDeque<>();

  /** A started thing, with a name for error messages. */
  final class Entry {
    private final String name;
    private final AutoCloseable resource;
    private boolean closed;

    private Entry(String name, AutoCloseable resource) {
      this.name = name;
      this.resource = resource;
    }

    /** Closes this one now (and forgets it); later calls do nothing. */
    void close() {
      synchronized (Closer.this) {
        open.remove(this);
        closeQuietly();
      }
    }

    private void closeQuietly() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("bench-fleet: could not stop " + name + ": " + e.getMessage());
      }
    }
  }

  synchronized Entry add(String name, AutoCloseable resource) {
    Entry e = new Entry(name, resource);
    open.push(e);
    return e;
  }

  /** Closes everything still open, newest first. */
  synchronized void closeAll() {
    while (!open.isEmpty()) {
      open.pop().closeQuietly();
    }
  }
}

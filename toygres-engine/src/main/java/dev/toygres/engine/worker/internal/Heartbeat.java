package dev.toygres.engine.worker.internal;

import dev.toygres.engine.worker.LoopHealth;
import java.time.Instant;

/**
 * A loop's proof of life: it beats at the end of every round (whether the round found work, failed
 * or waited), so a loop stuck inside one call stops beating. Thread-safe.
 */
public final class Heartbeat {
  private final String name;
  private volatile Instant last = Instant.now();
  private volatile String state = "starting";
  private volatile String detail;

  public Heartbeat(String name) {
    this.name = name;
  }

  /** The loop is about to do {@code what} (e.g. {@code polling}); not yet progress. */
  public void doing(String what) {
    this.state = what;
  }

  /** A round ended normally. */
  public void beat(String nowDoing) {
    this.last = Instant.now();
    this.state = nowDoing;
    this.detail = null;
  }

  /** A round ended with an error; the loop goes on. */
  public void failed(Throwable e) {
    this.last = Instant.now();
    this.state = "retrying";
    this.detail = String.valueOf(e);
  }

  public LoopHealth snapshot() {
    return new LoopHealth(name, state, last, detail);
  }
}

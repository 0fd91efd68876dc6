package dev.toygres.controlplane.cms;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Work done in groups, the way a database groups commits: one group is done at a time (an item that
 * finds none under way is a group of its own), and the items that arrive meanwhile are done next,
 * together, by one call of {@code doGroup} (at most {@code maxGroup} of them). Each caller waits
 * for its own item's answer.
 *
 * <p>{@code doGroup} answers every item of its group, in order; null means it did nothing for that
 * item (the caller does it alone). If {@code doGroup} throws, every item of the group is answered
 * null, so each caller meets the failure itself when it does its item alone.
 *
 * @param <I> an item
 * @param <O> its answer
 */
final class Together<I, O> {
  private static final class Waiting<I, O> {
    final I item;
    boolean done;
    O answer;

    Waiting(I item) {
      this.item = item;
    }
  }

  private final int maxGroup;
  private final Function<List<I>, List<O>> doGroup;
  private final ArrayDeque<Waiting<I, O>> queue = new ArrayDeque<>();
  private boolean busy;

  Together(int maxGroup, Function<List<I>, List<O>> doGroup) {
    if (maxGroup < 1) {
      throw new IllegalArgumentException("maxGroup must be at least 1");
    }
    this.maxGroup = maxGroup;
    this.doGroup = doGroup;
  }

  /**
   * Does {@code item} with whichever items are waiting too, waiting while another group is under
   * way; its answer, or null when nothing was done for it.
   */
  O run(I item) {
    Waiting<I, O> me = new Waiting<>(item);
    boolean interrupted = false;
    try {
      List<Waiting<I, O>> group = new ArrayList<>();
      synchronized (this) {
        queue.add(me);
        while (!me.done && (busy || queue.peek() != me)) {
          try {
            wait();
          } catch (InterruptedException e) {
            // The group under way may hold this item: see it through.
            interrupted = true;
          }
        }
        if (me.done) {
          return me.answer;
        }
        while (!queue.isEmpty() && group.size() < maxGroup) {
          group.add(queue.poll());
        }
        busy = true;
      }
      List<O> answers = null;
      try {
        List<O> given = doGroup.apply(group.stream().map(w -> w.item).toList());
        if (given.size() != group.size()) {
          throw new IllegalStateException(given.size() + " answers to " + group.size() + " items");
        }
        answers = given;
      } catch (RuntimeException failed) {
        // Each caller does its item alone and meets the failure itself.
      } finally {
        synchronized (this) {
          for (int i = 0; i < group.size(); i++) {
            Waiting<I, O> w = group.get(i);
            w.answer = answers == null ? null : answers.get(i);
            w.done = true;
          }
          busy = false;
          notifyAll();
        }
      }
      return me.answer;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** How many items wait for the group under way (for tests). */
  synchronized int waiting() {
    return queue.size();
  }
}

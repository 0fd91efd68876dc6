package dev.toygres.engine.internal.replay;

import dev.toygres.engine.history.HistoryEvent.EventRaised;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;

/**
 * External events and the waits for them. An event with no wait is buffered (in arrival order) and
 * given to the next wait for its name; each event goes to exactly one wait.
 */
final class EventInbox {
  private final LinkedList<EventRaised> buffered = new LinkedList<>();
  private final Map<String, Deque<CompletionTask<?>>> waiters = new HashMap<>();

  void deliver(EventRaised event) {
    Deque<CompletionTask<?>> q = waiters.get(event.name());
    if (q != null && !q.isEmpty()) {
      q.pollFirst().completeJson(event.data());
      return;
    }
    buffered.add(event);
  }

  /** Completes {@code task} from the buffer if an event is there, else registers it as a wait. */
  void await(String name, CompletionTask<?> task) {
    for (Iterator<EventRaised> it = buffered.iterator(); it.hasNext(); ) {
      EventRaised e = it.next();
      if (e.name().equals(name)) {
        it.remove();
        task.completeJson(e.data());
        return;
      }
    }
    waiters.computeIfAbsent(name, k -> new ArrayDeque<>()).addLast(task);
  }

  /** Withdraws a wait that timed out, so a later event is kept for the next wait. */
  void withdraw(String name, CompletionTask<?> task) {
    Deque<CompletionTask<?>> q = waiters.get(name);
    if (q != null) {
      q.remove(task);
    }
  }

  /** Forgets every wait; used when the execution ends and its unconsumed events carry over. */
  void clearWaits() {
    waiters.clear();
  }

  List<EventRaised> unconsumed() {
    return new ArrayList<>(buffered);
  }
}

package dev.toygres.engine.history;

import dev.toygres.engine.FailureDetails;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One instance of every kind of history event, found by walking the sealed hierarchy of {@link
 * HistoryEvent} ({@link Class#getPermittedSubclasses()}), so that a kind added to it reaches every
 * dispatch test without anyone listing it there.
 */
public final class HistoryEventSamples {
  private HistoryEventSamples() {}

  /** One sample of every record that implements {@link HistoryEvent}. */
  public static List<HistoryEvent> all() {
    return of(HistoryEvent.class);
  }

  /** One sample of every record that implements {@code type}, a sealed part of the hierarchy. */
  public static <T extends HistoryEvent> List<T> of(Class<T> type) {
    List<T> out = new ArrayList<>();
    collect(type, type, out);
    if (out.isEmpty()) {
      throw new IllegalStateException("no history event kinds under " + type.getName());
    }
    return out;
  }

  private static <T> void collect(Class<T> root, Class<?> c, List<T> out) {
    if (c.isRecord()) {
      out.add(root.cast(sample(c)));
      return;
    }
    Class<?>[] permitted = c.getPermittedSubclasses();
    if (permitted == null) {
      throw new IllegalStateException(c.getName() + " is neither a record nor sealed");
    }
    for (Class<?> p : permitted) {
      collect(root, p, out);
    }
  }

  private static Object sample(Class<?> record) {
    RecordComponent[] components = record.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      args[i] = value(record, components[i]);
    }
    try {
      return record.getDeclaredConstructor(types).newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make a sample " + record.getSimpleName(), e);
    }
  }

  private static Object value(Class<?> record, RecordComponent c) {
    Class<?> t = c.getType();
    if (t == int.class) {
      return 0;
    }
    if (t == boolean.class) {
      return false;
    }
    if (t == String.class) {
      return "\"sample\""; // JSON text where a field holds JSON, and a non-blank name or id
    }
    if (t == Instant.class) {
      return Instant.EPOCH;
    }
    if (t == FailureDetails.class) {
      return FailureDetails.of("SampleError", "a sample failure");
    }
    if (t == HistoryEvent.ParentRef.class) {
      return null;
    }
    throw new IllegalStateException(
        "no sample value for "
            + record.getSimpleName()
            + "."
            + c.getName()
            + " of type "
            + t.getName()
            + "; add one to HistoryEventSamples");
  }
}

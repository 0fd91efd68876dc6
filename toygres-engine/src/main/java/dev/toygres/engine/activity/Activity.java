package dev.toygres.engine.activity;

/**
 * An activity: the place for side effects. Activities run at least once: a worker that dies while
 * running one leaves it to another worker after the lease expires, so make them idempotent. A
 * thrown exception is reported to the orchestration as a failed task (its retry policy decides what
 * follows).
 *
 * @param <I> input type (deserialized from JSON)
 * @param <O> result type (serialized to JSON)
 */
@FunctionalInterface
public interface Activity<I, O> {
  O run(ActivityContext ctx, I input) throws Exception;
}

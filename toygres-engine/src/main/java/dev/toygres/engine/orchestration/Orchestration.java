package dev.toygres.engine.orchestration;

/**
 * Orchestration code: plain Java that is replayed from history. It must be deterministic: take
 * time, random ids and waits only from the {@link OrchestrationContext}, never from the system
 * clock, {@code UUID.randomUUID()}, {@code Thread.sleep} or other I/O. Side effects belong in
 * activities.
 *
 * <p>The code runs from the top on every step. When it awaits a task whose outcome is not yet in
 * history, the engine stops it (by throwing an internal signal that the code must never catch: do
 * not catch {@link Throwable} or {@link Error}) and holds no thread and no memory until the outcome
 * arrives.
 *
 * @param <I> input type (deserialized from JSON)
 * @param <O> output type (serialized to JSON)
 */
@FunctionalInterface
public interface Orchestration<I, O> {
  O run(OrchestrationContext ctx, I input);
}

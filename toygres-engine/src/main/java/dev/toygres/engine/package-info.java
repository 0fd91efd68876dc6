/**
 * A durable orchestration engine on PostgreSQL: orchestrations written as plain Java, replayed from
 * their history, with activities, timers, events and sub-orchestrations.
 *
 * <p>{@link dev.toygres.engine.DurableEngine} is the front door: it opens the database (an external
 * one, or an embedded server), migrates the store and starts a client and, given a registry, a
 * worker. This package also holds what every part shares: {@link
 * dev.toygres.engine.DurableException}, the root of the engine's exceptions, {@link
 * dev.toygres.engine.OrchestrationStatus} and {@link dev.toygres.engine.FailureDetails}.
 */
package dev.toygres.engine;

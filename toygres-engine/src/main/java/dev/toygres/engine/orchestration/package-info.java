/**
 * Writing orchestrations: {@link dev.toygres.engine.orchestration.Orchestration} is the code,
 * {@link dev.toygres.engine.orchestration.OrchestrationContext} its only door to the world
 * (activities, timers, events, sub-orchestrations, all deterministic on replay), with the options,
 * tasks and exceptions that come with it, {@link
 * dev.toygres.engine.orchestration.NonDeterminismException} among them.
 */
package dev.toygres.engine.orchestration;

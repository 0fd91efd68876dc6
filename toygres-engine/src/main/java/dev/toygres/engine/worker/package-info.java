/**
 * Running orchestrations and activities: a {@link dev.toygres.engine.worker.Registry} says what a
 * worker can run, {@link dev.toygres.engine.worker.WorkerOptions} how, and {@link
 * dev.toygres.engine.worker.DurableWorker} leases work from a store and runs it until closed.
 */
package dev.toygres.engine.worker;

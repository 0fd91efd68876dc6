/**
 * The client: start orchestrations, raise events, cancel, terminate, read and list instances, their
 * executions and histories, delete and purge, through {@link
 * dev.toygres.engine.client.DurableClient}.
 *
 * <p>The values it returns ({@link dev.toygres.engine.client.InstanceInfo}, {@link
 * dev.toygres.engine.client.ExecutionInfo}, {@link dev.toygres.engine.client.HistoryRecord}, {@link
 * dev.toygres.engine.client.Page}) and the exceptions it throws, each carrying the instance id,
 * live here. The client needs no worker in its process; it reaches the engine's state through a
 * {@link dev.toygres.engine.store.PostgresStore}.
 */
package dev.toygres.engine.client;

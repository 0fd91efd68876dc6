/**
 * One Toygres server process: wires the metadata database, the engine, the data plane, the
 * orchestrations and the HTTP API together, checks its secrets at start, and runs the pruner.
 */
package dev.toygres.controlplane.server;

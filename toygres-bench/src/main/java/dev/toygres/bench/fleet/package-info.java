/**
 * The fleet benchmark: N instances registered against a few real PostgreSQL servers, one actor each
 * on one worker wired as the server wires it; prints iterations/s against the ideal, probe
 * lateness, CPU, memory, database growth and the doctor's time, in phases. Optionally the fleet is
 * shared with worker-only processes ({@link dev.toygres.bench.fleet.FleetWorkerProcess}), or the
 * engine's state is lost after the window and the recovery timed.
 */
package dev.toygres.bench.fleet;

/**
 * The fleet benchmark: N instances registered against a few real PostgreSQL servers, one actor each
 * on one worker wired as the server wires it; prints iterations/s against the ideal, probe
 * lateness, CPU, memory, database growth and the doctor's time, in phases.
 */
package dev.toygres.bench.fleet;

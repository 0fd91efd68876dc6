/**
 * The durable engine's fan-out benchmark: N orchestrations started at once, each fanning out five
 * activities and joining them; prints orchestrations/s, activities/s and end-to-end latency.
 */
package dev.toygres.bench.fanout;

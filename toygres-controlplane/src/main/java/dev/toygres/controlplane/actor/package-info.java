/**
 * The instance actors that watch every live instance (one durable orchestration each, forever), the
 * doctor that diagnoses them (healthy, stale, zombie, missing, dead, cancelled, orphaned), the
 * operations on them (start, restart, cancel, recover) and the supervisor that repairs them. See
 * docs/actor.md.
 */
package dev.toygres.controlplane.actor;

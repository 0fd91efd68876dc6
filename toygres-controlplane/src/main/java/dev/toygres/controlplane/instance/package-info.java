/**
 * The instance lifecycle: validation of what users ask for, the durable create, delete, stop,
 * start, restart and access-upgrade orchestrations, and their idempotent activities.
 */
package dev.toygres.controlplane.instance;

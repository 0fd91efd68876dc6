/**
 * Secrets at rest: AES-256-GCM sealing of stored passwords with the server's secret key, and the
 * key's fingerprint that lets a server refuse a key that is not the database's.
 */
package dev.toygres.controlplane.secret;

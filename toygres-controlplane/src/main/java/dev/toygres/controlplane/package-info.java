/**
 * The Toygres control plane: every managed PostgreSQL instance watched by its own durable instance
 * actor. This package holds the root of its errors; the capabilities live in the sub-packages. See
 * docs/architecture.md.
 */
package dev.toygres.controlplane;

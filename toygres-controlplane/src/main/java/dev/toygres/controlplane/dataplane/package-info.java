/**
 * Where managed PostgreSQL instances run. {@link dev.toygres.controlplane.dataplane.DataPlane} is
 * the interface; {@link dev.toygres.controlplane.dataplane.LocalDataPlane} runs each instance as a
 * PostgreSQL server on this machine (as an unprivileged OS user under root), with the tenant's role
 * and the control plane's own roles, reached through a private Unix socket. See docs/security.md.
 */
package dev.toygres.controlplane.dataplane;

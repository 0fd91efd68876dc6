/**
 * The {@code toygres} command line (picocli): {@code server}, and the client commands that talk to
 * a running server over HTTP, printing tables for people and JSON for scripts. See docs/cli.md.
 */
package dev.toygres.controlplane.cli;

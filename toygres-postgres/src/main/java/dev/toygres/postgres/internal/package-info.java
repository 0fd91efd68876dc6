/**
 * Not API: finding and unpacking binaries, running initdb and postgres as child processes, and the
 * file, socket and OS-user plumbing around them.
 */
package dev.toygres.postgres.internal;

/**
 * The shipped test kit: one embedded PostgreSQL per test JVM ({@link
 * dev.toygres.testkit.TestDatabase}), an engine fixture and its JUnit 5 extension that prints a
 * failing test's histories ({@link dev.toygres.testkit.EngineExtension}), the history replayer for
 * recorded-history tests ({@link dev.toygres.testkit.HistoryReplayer}), and an HTTP test client.
 * See docs/testing.md.
 */
package dev.toygres.testkit;

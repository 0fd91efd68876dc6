/**
 * Benchmarks of the engine that print figures and never fail: run by hand, not by the test suite.
 */
package dev.toygres.engine.bench;

/**
 * The benchmarks' command line ({@code toygres bench}, {@code toygres bench-fleet}), run from a jar
 * of their own so that the product carries no benchmark code. See docs/benchmarks.md.
 */
package dev.toygres.bench;

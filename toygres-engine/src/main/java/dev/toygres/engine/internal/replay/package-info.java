/**
 * Not API: replay. Runs orchestration code against its history and returns what one step decided,
 * without I/O, so the same history always gives the same decision.
 */
package dev.toygres.engine.internal.replay;

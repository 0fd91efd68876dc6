/**
 * The history of an orchestration execution, its only state: a sealed family of event records,
 * stored as JSON and replayed to rebuild the code's decisions.
 */
package dev.toygres.engine.history;

/** Not API: the worker's dispatcher threads, lease keeping, and turning work items into commits. */
package dev.toygres.engine.worker.internal;

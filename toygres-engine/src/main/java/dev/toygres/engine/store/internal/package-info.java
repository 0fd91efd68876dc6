/**
 * Not API: the store's SQL plumbing, and the worker's side of the store ({@code WorkQueues}):
 * lease, commit and renew work, with the values those carry.
 */
package dev.toygres.engine.store.internal;

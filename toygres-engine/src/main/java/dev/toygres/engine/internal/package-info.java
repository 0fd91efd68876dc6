/** Not API: helpers shared by the engine's parts (its JSON mapper, the dispatch guard). */
package dev.toygres.engine.internal;

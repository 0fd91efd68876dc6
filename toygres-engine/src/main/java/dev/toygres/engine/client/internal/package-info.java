/** Not API: the client's SQL, each operation one transaction. */
package dev.toygres.engine.client.internal;

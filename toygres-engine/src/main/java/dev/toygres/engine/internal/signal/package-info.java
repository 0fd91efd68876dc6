/** Not API: the throwables replay uses to end a step; orchestration code must never catch them. */
package dev.toygres.engine.internal.signal;

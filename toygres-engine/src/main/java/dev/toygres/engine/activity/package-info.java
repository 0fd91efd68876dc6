/**
 * Activities: the code with side effects that orchestrations call. An activity runs at least once
 * on some worker and gets an {@link dev.toygres.engine.activity.ActivityContext} naming the call it
 * serves.
 */
package dev.toygres.engine.activity;

package dev.toygres.controlplane.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that spends most of its time waiting (a fault held for minutes, a retention
 * window running out) rather than computing. The build runs these classes in a failsafe execution
 * of their own ({@code long-waits} in this module's pom), concurrently with one another and after
 * every other test, so that their waits overlap instead of adding up. A class marked so must not
 * share ports, namespaces or directories with another and must not depend on running alone; its
 * time bounds must hold while the others of its kind run beside it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(LongWait.TAG)
public @interface LongWait {
  /** The JUnit tag the pom selects these classes by. */
  String TAG = "long-wait";
}

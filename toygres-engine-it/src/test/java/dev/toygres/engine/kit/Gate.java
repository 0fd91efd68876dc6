package dev.toygres.engine.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a test hold an activity running until it says so: the activity calls {@link #pass}, the test
 * waits with {@link #awaitEntered} and releases it with {@link #open}. Keys are unique per test
 * (usually the instance id).
 */
final class Gate {
  private static final Map<String, CountDownLatch> ENTERED = new ConcurrentHashMap<>();
  private static final Map<String, CountDownLatch> OPENED = new ConcurrentHashMap<>();

  private Gate() {}

  private static CountDownLatch entered(String key) {
    return ENTERED.computeIfAbsent(key, k -> new CountDownLatch(1));
  }

  private static CountDownLatch opened(String key) {
    return OPENED.computeIfAbsent(key, k -> new CountDownLatch(1));
  }

  /** Called by an activity: signals it runs, then blocks until the test opens the gate. */
  static String pass(String key) throws InterruptedException {
    entered(key).countDown();
    if (!opened(key).await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("gate '" + key + "' was never opened");
    }
    return "passed " + key;
  }

  static void awaitEntered(String key) throws InterruptedException {
    assertThat(entered(key).await(30, TimeUnit.SECONDS))
        .as("activity reached gate '%s'", key)
        .isTrue();
  }

  static void open(String key) {
    opened(key).countDown();
  }
}

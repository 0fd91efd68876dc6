package dev.toygres.controlplane.cms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Work done in groups: items that arrive while a group is under way are done next, together, at
 * most the group's limit at a time, and each caller gets its own item's answer (null when the group
 * did nothing for it or failed).
 */
class TogetherTest {
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void itemsThatArriveWhileAGroupIsUnderWayAreDoneTogetherNextAtMostTheLimitAtATime()
      throws Exception {
    CountDownLatch firstMayFinish = new CountDownLatch(1);
    List<List<Integer>> groups = new CopyOnWriteArrayList<>();
    Together<Integer, String> together =
        new Together<>(
            4,
            group -> {
              groups.add(group);
              if (groups.size() == 1) {
                hold(firstMayFinish);
              }
              // Item 13 gets no answer: its caller would do it alone.
              return group.stream().map(i -> i == 13 ? null : "answer " + i).toList();
            });

    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> together.run(1), threads);
    await().atMost(Duration.ofSeconds(10)).until(() -> groups.size() == 1);
    List<CompletableFuture<String>> next = new ArrayList<>();
    for (int i = 10; i < 16; i++) {
      int item = i;
      next.add(CompletableFuture.supplyAsync(() -> together.run(item), threads));
      // one at a time, so that the queue's order is known
      int queued = i - 9;
      await().atMost(Duration.ofSeconds(10)).until(() -> together.waiting() == queued);
    }
    firstMayFinish.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("answer 1");
    for (int i = 0; i < next.size(); i++) {
      String expected = i + 10 == 13 ? null : "answer " + (i + 10);
      assertThat(next.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(expected);
    }
    assertThat(groups).containsExactly(List.of(1), List.of(10, 11, 12, 13), List.of(14, 15));
    assertThat(together.waiting()).isZero();
  }

  @Test
  void aGroupThatFailsAnswersEachOfItsItemsNullAndTheNextGroupGoesOn() throws Exception {
    Together<String, String> together =
        new Together<>(
            8,
            group -> {
              if (group.contains("bad")) {
                throw new IllegalStateException("the statement failed");
              }
              return group.stream().map(String::toUpperCase).toList();
            });

    assertThat(together.run("bad")).isNull();
    assertThat(together.run("good")).isEqualTo("GOOD");
  }

  @Test
  void aGroupMustAnswerEveryItem() {
    Together<String, String> wrong = new Together<>(8, group -> List.of());

    assertThat(wrong.run("a")).as("no answer: done alone").isNull();
    assertThatThrownBy(() -> new Together<String, String>(0, group -> group))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWaiterInterruptedWhileQueuedStillGetsItsAnswerAndKeepsItsInterrupt() throws Exception {
    CountDownLatch firstMayFinish = new CountDownLatch(1);
    List<List<String>> groups = new CopyOnWriteArrayList<>();
    Together<String, String> together =
        new Together<>(
            8,
            group -> {
              groups.add(group);
              if (groups.size() == 1) {
                hold(firstMayFinish);
              }
              return group;
            });
    CompletableFuture<String> first =
        CompletableFuture.supplyAsync(() -> together.run("first"), threads);
    await().atMost(Duration.ofSeconds(10)).until(() -> groups.size() == 1);
    CompletableFuture<Boolean> interruptedKept = new CompletableFuture<>();
    CompletableFuture<String> queued = new CompletableFuture<>();
    Thread waiter =
        new Thread(
            () -> {
              queued.complete(together.run("queued"));
              interruptedKept.complete(Thread.currentThread().isInterrupted());
            });
    waiter.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> together.waiting() == 1);
    waiter.interrupt();
    firstMayFinish.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
    assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("queued");
    assertThat(interruptedKept.get(10, TimeUnit.SECONDS)).isTrue();
    waiter.join(10_000);
  }

  private static void hold(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never let the group finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.InstanceQuery;
import dev.toygres.engine.client.Page;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** listInstances: filters, newest-first order and cursor paging. */
class ListInstancesIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(12);

  @BeforeEach
  void setUp() {}

  private List<String> ids(InstanceQuery q) {
    return f.client().listInstances(q).items().stream().map(InstanceInfo::instanceId).toList();
  }

  /** Pages through a query to the end; returns every id seen, in order. */
  private List<String> allPages(InstanceQuery q, List<Integer> pageSizes) {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      Page<InstanceInfo> page = f.client().listInstances(q.withCursor(cursor));
      pageSizes.add(page.items().size());
      page.items().forEach(i -> seen.add(i.instanceId()));
      cursor = page.nextCursor();
    } while (cursor != null && pageSizes.size() < 100);
    return seen;
  }

  @Test
  void pagingThrough250InstancesWithLimit40VisitsEachExactlyOnceNewestFirst() {
    for (int i = 0; i < 250; i++) {
      f.client().start("any", String.format("inst-%03d", i), i);
    }
    List<Integer> sizes = new ArrayList<>();

    List<String> seen = allPages(InstanceQuery.all().withLimit(40), sizes);

    assertThat(sizes).containsExactly(40, 40, 40, 40, 40, 40, 10);
    assertThat(seen).hasSize(250).doesNotHaveDuplicates();
    assertThat(seen).first().isEqualTo("inst-249");
    assertThat(seen).last().isEqualTo("inst-000");
  }

  @Test
  void pagingIsStableWhenInstancesShareTheirCreationTime() {
    for (int i = 0; i < 95; i++) {
      f.client().start("any", String.format("same-%02d", i), i);
    }
    f.sql("UPDATE {s}.instances SET created_at = '2024-05-01T10:00:00.123456Z'");
    List<Integer> sizes = new ArrayList<>();

    List<String> seen = allPages(InstanceQuery.all().withLimit(40), sizes);

    assertThat(sizes).containsExactly(40, 40, 15);
    assertThat(seen)
        .hasSize(95)
        .doesNotHaveDuplicates()
        .isSortedAccordingTo(Comparator.reverseOrder());
  }

  @Test
  void lastFullPageHasNoNextCursor() {
    for (int i = 0; i < 5; i++) {
      f.client().start("any", "full-" + i, i);
    }
    Page<InstanceInfo> page = f.client().listInstances(InstanceQuery.all().withLimit(5));
    assertThat(page.items()).hasSize(5);
    assertThat(page.nextCursor()).isNull();
    Page<InstanceInfo> empty = f.client().listInstances(InstanceQuery.all().withName("nobody"));
    assertThat(empty.items()).isEmpty();
    assertThat(empty.nextCursor()).isNull();
  }

  @Test
  void filterByStatusSetReturnsOnlyInstancesInThoseStatuses() throws Exception {
    f.startWorker(
        Registry.builder()
            .orchestration("ok", String.class, (ctx, in) -> in)
            .orchestration(
                "bad",
                String.class,
                (ctx, in) -> {
                  throw new IllegalStateException(in);
                })
            .orchestration(
                "wait", String.class, (ctx, in) -> ctx.waitForEvent("e", String.class).await())
            .build());
    f.client().start("ok", "s-ok", "1");
    f.client().start("bad", "s-bad", "2");
    f.client().start("wait", "s-run", "3");
    f.client().start("wait", "s-cancel", "4");
    f.client().cancel("s-cancel", "stop");
    for (String id : List.of("s-ok", "s-bad", "s-cancel")) {
      f.client().waitForCompletion(id, WAIT);
    }

    assertThat(ids(InstanceQuery.all().withStatuses(Set.of(OrchestrationStatus.RUNNING))))
        .containsExactly("s-run");
    assertThat(
            ids(
                InstanceQuery.all()
                    .withStatuses(
                        EnumSet.of(OrchestrationStatus.FAILED, OrchestrationStatus.CANCELLED))))
        .containsExactlyInAnyOrder("s-bad", "s-cancel");
    assertThat(ids(InstanceQuery.all().withStatuses(Set.of(OrchestrationStatus.COMPLETED))))
        .containsExactly("s-ok");
    assertThat(ids(InstanceQuery.all())).hasSize(4);
  }

  @Test
  void filterByNameAndByIdPrefixCombine() {
    f.client().start("alpha", "order-1", 1);
    f.client().start("beta", "order-2", 2);
    f.client().start("alpha", "invoice-1", 3);
    f.client().start("alpha", "order-3", 4);

    assertThat(ids(InstanceQuery.all().withName("alpha")))
        .containsExactly("order-3", "invoice-1", "order-1");
    assertThat(ids(InstanceQuery.all().withInstanceIdPrefix("order-")))
        .containsExactly("order-3", "order-2", "order-1");
    assertThat(ids(InstanceQuery.all().withName("alpha").withInstanceIdPrefix("order-")))
        .containsExactly("order-3", "order-1");
    assertThat(
            ids(
                InstanceQuery.all()
                    .withName("alpha")
                    .withStatuses(Set.of(OrchestrationStatus.COMPLETED))))
        .isEmpty();
  }

  @Test
  void idPrefixIsMatchedLiterallyNotAsAPattern() {
    f.client().start("any", "a_1", 1);
    f.client().start("any", "ab1", 2);
    f.client().start("any", "a%2", 3);
    f.client().start("any", "A_1", 4);

    assertThat(ids(InstanceQuery.all().withInstanceIdPrefix("a_"))).containsExactly("a_1");
    assertThat(ids(InstanceQuery.all().withInstanceIdPrefix("a%"))).containsExactly("a%2");
  }

  @Test
  void filtersApplyAcrossPages() {
    for (int i = 0; i < 30; i++) {
      f.client().start(i % 3 == 0 ? "third" : "other", "p-" + i, i);
    }
    List<Integer> sizes = new ArrayList<>();

    List<String> seen = allPages(InstanceQuery.all().withName("third").withLimit(4), sizes);

    assertThat(sizes).containsExactly(4, 4, 2);
    assertThat(new HashSet<>(seen))
        .hasSize(10)
        .allSatisfy(id -> assertThat(Integer.parseInt(id.substring(2)) % 3).isZero());
  }

  @Test
  void invalidCursorIsRejected() {
    f.client().start("any", "c", 1);
    String noSeparator =
        Base64.getUrlEncoder()
            .encodeToString("2024-01-01T00:00:00Z".getBytes(StandardCharsets.UTF_8));
    String badTime =
        Base64.getUrlEncoder().encodeToString("yesterday|c".getBytes(StandardCharsets.UTF_8));

    for (String cursor : List.of("not a cursor!", noSeparator, badTime)) {
      assertThatThrownBy(() -> f.client().listInstances(InstanceQuery.all().withCursor(cursor)))
          .as(cursor)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cursor");
    }
  }

  @Test
  void limitMustBeBetweenOneAndAThousand() {
    assertThatThrownBy(() -> InstanceQuery.all().withLimit(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InstanceQuery.all().withLimit(1001))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InstanceQuery.all().withLimit(-5))
        .isInstanceOf(IllegalArgumentException.class);
    f.client().start("any", "one", 1);
    f.client().start("any", "two", 2);
    assertThat(f.client().listInstances(InstanceQuery.all().withLimit(1000)).items()).hasSize(2);
    Page<InstanceInfo> single = f.client().listInstances(InstanceQuery.all().withLimit(1));
    assertThat(single.items()).extracting(InstanceInfo::instanceId).containsExactly("two");
    assertThat(single.nextCursor()).isNotNull();
  }
}

package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.worker.Registry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Registry: numeric version order, latest version, and rejected registrations. */
class RegistryVersionOrderTest {
  private static Registry withVersions(String... versions) {
    Registry.Builder b = Registry.builder();
    for (String v : versions) {
      b.orchestration("o", v, String.class, (ctx, in) -> v);
    }
    return b.build();
  }

  @Test
  void versionsCompareByTheirNumericParts() {
    assertThat(Registry.VERSION_ORDER.compare("1.10", "1.9")).isPositive();
    assertThat(Registry.VERSION_ORDER.compare("2", "10")).isNegative();
    assertThat(Registry.VERSION_ORDER.compare("1.0", "1")).isZero();
    assertThat(Registry.VERSION_ORDER.compare("1.2.3", "1.2")).isPositive();
    List<String> sorted = new ArrayList<>(List.of("10", "1.10", "2", "1.9", "1"));
    sorted.sort(Registry.VERSION_ORDER);
    assertThat(sorted).containsExactly("1", "1.9", "1.10", "2", "10");
  }

  @Test
  void latestVersionIsTheNumericallyHighest() {
    Registry r = withVersions("1.9", "1.10", "1.2");
    assertThat(r.latestVersion("o")).contains("1.10");
    assertThat(r.versionsOf("o")).isEqualTo("1.2, 1.9, 1.10");
    assertThat(r.latestVersion("missing")).isEmpty();
    assertThat(r.versionsOf("missing")).isEqualTo("none");
  }

  @Test
  void lookupByVersionFindsExactlyThatRegistration() {
    Registry r = withVersions("1", "2");
    assertThat(r.orchestration("o", "1")).isPresent();
    assertThat(r.orchestration("o", "3")).isEmpty();
    assertThat(r.orchestration("other", "1")).isEmpty();
  }

  @Test
  void registeringTheSameOrchestrationVersionTwiceIsRejected() {
    Registry.Builder b =
        Registry.builder().orchestration("o", "1.0", String.class, (ctx, in) -> in);
    assertThatThrownBy(() -> b.orchestration("o", "1.0", String.class, (ctx, in) -> in))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registered twice");
    assertThatThrownBy(() -> b.orchestration("o", "1", String.class, (ctx, in) -> in))
        .as("1 and 1.0 are the same version")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void registeringTheSameActivityTwiceOrBlankNamesIsRejected() {
    Registry.Builder b = Registry.builder().activity("a", String.class, (ctx, in) -> in);
    assertThatThrownBy(() -> b.activity("a", String.class, (ctx, in) -> in))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a'");
    assertThatThrownBy(() -> b.activity(" ", String.class, (ctx, in) -> in))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.orchestration("o", "", String.class, (ctx, in) -> in))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.toygres.controlplane.cms;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The health checks' day partitions: their names, their UTC bounds, and when they may go. */
class PartitionDayTest {
  @Test
  void aCheckBelongsToThePartitionOfItsUtcDay() {
    PartitionDay d = PartitionDay.of(Instant.parse("2026-11-30T23:59:59.999Z"));

    assertThat(d.day()).isEqualTo(LocalDate.of(2026, 11, 30));
    assertThat(d.table()).isEqualTo("instance_health_checks_p20261130");
    assertThat(d.from()).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
    assertThat(d.until()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(PartitionDay.of(Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo(d.next());
  }

  @Test
  void aPartitionNameGivesBackItsDay() {
    assertThat(PartitionDay.parse("instance_health_checks_p20261231"))
        .contains(new PartitionDay(LocalDate.of(2026, 12, 31)));
    assertThat(new PartitionDay(LocalDate.of(2027, 1, 1)).next().table())
        .isEqualTo("instance_health_checks_p20270102");
  }

  @Test
  void tablesNotNamedLikeADayPartitionAreNotTakenForOne() {
    assertThat(PartitionDay.parse("instance_health_checks")).isEmpty();
    assertThat(PartitionDay.parse("instance_health_checks_p2026113")).isEmpty();
    assertThat(PartitionDay.parse("instance_health_checks_p20261332")).isEmpty();
    assertThat(PartitionDay.parse("instance_health_checks_pabcdefgh")).isEmpty();
    assertThat(PartitionDay.parse("instance_health_checks_upgraded")).isEmpty();
    assertThat(PartitionDay.parse(null)).isEmpty();
  }

  @Test
  void aPartitionIsPastTheRetentionOnlyOnceItsLastInstantIs() {
    PartitionDay d = new PartitionDay(LocalDate.of(2026, 11, 20));

    assertThat(d.allOlderThan(Instant.parse("2026-11-20T23:59:59Z"))).isFalse();
    assertThat(d.allOlderThan(Instant.parse("2026-11-21T00:00:00Z"))).isTrue();
    assertThat(d.allOlderThan(Instant.parse("2026-11-25T12:00:00Z"))).isTrue();
  }
}

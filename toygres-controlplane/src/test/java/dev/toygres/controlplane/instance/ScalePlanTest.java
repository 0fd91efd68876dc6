package dev.toygres.controlplane.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.dataplane.Member;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which standbys a scale makes, keeps and removes, before and after a failover moved the primary.
 */
class ScalePlanTest {
  private static List<Member> servers(int primary, int... standbys) {
    List<Member> out = new ArrayList<>();
    out.add(member(Member.PRIMARY, primary));
    for (int s : standbys) {
      out.add(member(Member.STANDBY, s));
    }
    return out;
  }

  private static Member member(String role, int ordinal) {
    return new Member(
        role,
        "i-" + ordinal,
        ordinal,
        "127.0.0.1",
        5432 + ordinal,
        1L,
        null,
        null,
        "healthy",
        null,
        null,
        1);
  }

  @Test
  void beforeAnyFailoverStandbysAreMadeOnOrdinalsOneUpwards() {
    ReplicaActivities.ScalePlan p = ReplicaActivities.plan(servers(0), 2, true);
    assertThat(p.add()).containsExactly(1, 2);
    assertThat(p.keep()).isEmpty();
    assertThat(p.remove()).isEmpty();
    assertThat(p.synchronous()).isTrue();
  }

  @Test
  void scalingDownRemovesTheHighestStandbys() {
    ReplicaActivities.ScalePlan p = ReplicaActivities.plan(servers(0, 1, 2, 3), 1, false);
    assertThat(p.keep()).containsExactly(1);
    assertThat(p.remove()).containsExactly(2, 3);
    assertThat(p.add()).isEmpty();
  }

  @Test
  void afterAFailoverTheFormerPrimaryIsKeptFirstAndNewStandbysTakeFreeOrdinals() {
    // Standby 1 was promoted; the former primary (0) is a standby now.
    ReplicaActivities.ScalePlan up = ReplicaActivities.plan(servers(1, 0), 3, false);
    assertThat(up.keep()).containsExactly(0);
    assertThat(up.add()).containsExactly(2, 3);
    ReplicaActivities.ScalePlan down = ReplicaActivities.plan(servers(1, 0, 2), 1, false);
    assertThat(down.keep()).containsExactly(0);
    assertThat(down.remove()).containsExactly(2);
    ReplicaActivities.ScalePlan none = ReplicaActivities.plan(servers(1, 0), 0, false);
    assertThat(none.remove()).containsExactly(0);
  }

  @Test
  void aRemovedFormerPrimaryIsMadeAgainOnlyWhenNoOtherOrdinalIsFree() {
    ReplicaActivities.ScalePlan p = ReplicaActivities.plan(servers(1), 5, false);
    assertThat(p.add()).containsExactly(2, 3, 4, 5, 0);
  }
}

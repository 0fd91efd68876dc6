package dev.toygres.controlplane.cms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.testkit.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backup catalogue and policies on real PostgreSQL: a backup is recorded once with the work of
 * its transaction, ends once, and a scheduled backup is claimed by one server only.
 */
class BackupsIT {
  private static TestDatabase.Fresh db;
  private static CmsStore cms;

  @BeforeAll
  static void migrate() {
    db = TestDatabase.freshDatabase(4);
    cms = new CmsStore(db.pool());
    cms.migrate();
  }

  @AfterAll
  static void drop() {
    if (db != null) {
      db.close();
    }
  }

  private static UUID running(String name) {
    UUID id = UUID.randomUUID();
    cms.insert(
        new CmsStore.NewInstance(
            id, name, name + "-abc123", "18", 1, "postgres", "v1:t", "v1:s", "v1:m", "c-" + name));
    cms.transition(id, EnumSet.of(InstanceState.CREATING), InstanceState.RUNNING, "test");
    return id;
  }

  private static Backups.NewBackup backup(UUID id, String name, String backupId) {
    return new Backups.NewBackup(backupId, id, name, name + "-abc123", "manual");
  }

  private static Backups.Taken taken() {
    Instant t = Instant.now();
    return new Backups.Taken("0/2000028", "0/2000100", 1, t.minusSeconds(2), t, 4096L, "/b/x");
  }

  private static List<String> events(UUID id) {
    return cms.events(id, 50).stream().map(InstanceEvent::eventType).toList();
  }

  @Test
  void aBackupIsRecordedOnceTogetherWithTheWorkOfItsTransaction() {
    UUID id = running("rec");
    AtomicInteger started = new AtomicInteger();

    boolean first =
        cms.backups().start(backup(id, "rec", "backup-rec-1"), c -> started.incrementAndGet());
    boolean again =
        cms.backups().start(backup(id, "rec", "backup-rec-1"), c -> started.incrementAndGet());

    assertThat(first).isTrue();
    assertThat(again).isFalse();
    assertThat(started).hasValue(1);
    BackupRow b = cms.backups().find("backup-rec-1").orElseThrow();
    assertThat(b.status()).isEqualTo("running");
    assertThat(b.orchestrationId()).isEqualTo("backup-rec-1");
    assertThat(events(id)).containsOnlyOnce("backup_started");
  }

  @Test
  void aFailingTransactionLeavesNoBackupRecorded() {
    UUID id = running("rollback");

    try {
      cms.backups()
          .start(
              backup(id, "rollback", "backup-rollback-1"),
              c -> {
                throw new IllegalStateException("orchestration could not start");
              });
    } catch (IllegalStateException expected) {
      // the row must be gone with it
    }

    assertThat(cms.backups().find("backup-rollback-1")).isEmpty();
  }

  @Test
  void aBackupEndsOnceCompletedAndVerifiedOrFailedWithTheReason() {
    UUID id = running("ends");
    cms.backups().start(backup(id, "ends", "backup-ends-ok"), c -> {});
    cms.backups().start(backup(id, "ends", "backup-ends-bad"), c -> {});
    cms.backups().start(backup(id, "ends", "backup-ends-err"), c -> {});

    assertThat(cms.backups().finish("backup-ends-ok", taken(), null)).isTrue();
    assertThat(cms.backups().finish("backup-ends-ok", taken(), null)).isFalse();
    assertThat(cms.backups().finish("backup-ends-bad", taken(), "base/1/1259: size 0, not 8192"))
        .isTrue();
    assertThat(cms.backups().fail("backup-ends-err", "server not running")).isTrue();

    BackupRow ok = cms.backups().find("backup-ends-ok").orElseThrow();
    assertThat(ok.status()).isEqualTo("completed");
    assertThat(ok.usable()).isTrue();
    assertThat(ok.endLsn()).isEqualTo("0/2000100");
    assertThat(ok.sizeBytes()).isEqualTo(4096L);
    BackupRow bad = cms.backups().find("backup-ends-bad").orElseThrow();
    assertThat(bad.status()).isEqualTo("failed");
    assertThat(bad.verified()).isFalse();
    assertThat(bad.error()).contains("verification failed").contains("base/1/1259");
    assertThat(cms.backups().find("backup-ends-err").orElseThrow().error())
        .isEqualTo("server not running");
    assertThat(events(id)).containsOnlyOnce("backup_completed");
    assertThat(events(id).stream().filter("backup_failed"::equals)).hasSize(2);
  }

  @Test
  void aRunningInstanceWithoutAPolicyIsDueAtOnceAndOneOfTwoServersClaimsIt() {
    UUID id = running("due");
    Instant now = cms.databaseNow().plusSeconds(1);
    BackupPolicies.Due d =
        cms.backups().policies().due(now).stream()
            .filter(x -> x.instanceId().equals(id))
            .findFirst()
            .orElseThrow();
    assertThat(d.schedule()).isEqualTo(Duration.ofDays(1));
    AtomicInteger started = new AtomicInteger();

    boolean one =
        cms.backups()
            .policies()
            .claim(d, d.due().plus(d.schedule()), c -> started.incrementAndGet());
    boolean two =
        cms.backups()
            .policies()
            .claim(d, d.due().plus(d.schedule()), c -> started.incrementAndGet());

    assertThat(one).isTrue();
    assertThat(two).isFalse();
    assertThat(started).hasValue(1);
    assertThat(cms.backups().policies().due(now)).noneMatch(x -> x.instanceId().equals(id));
    assertThat(cms.backups().policies().get(id).nextBackupAt())
        .isEqualTo(d.due().plus(d.schedule()));
  }

  @Test
  void aPolicyCanBeChangedAndScheduledBackupsTurnedOff() {
    UUID id = running("policy");
    assertThat(cms.backups().policies().get(id)).isEqualTo(BackupPolicies.DEFAULT);

    BackupPolicies.Policy p =
        cms.backups().policies().set(id, Duration.ofHours(6), false, Duration.ofDays(3));
    assertThat(p.schedule()).isEqualTo(Duration.ofHours(6));
    assertThat(p.retention()).isEqualTo(Duration.ofDays(3));
    assertThat(p.nextBackupAt()).isAfter(cms.databaseNow().plus(Duration.ofHours(5)));

    BackupPolicies.Policy off = cms.backups().policies().set(id, null, true, null);
    assertThat(off.schedule()).isNull();
    assertThat(off.retention()).isEqualTo(Duration.ofDays(3));
    assertThat(cms.backups().policies().due(cms.databaseNow().plus(Duration.ofDays(30))))
        .noneMatch(x -> x.instanceId().equals(id));
  }

  @Test
  void aDeletedInstanceHoldsItsBackupsUntilTheyArePurged() {
    UUID id = running("gone");
    cms.backups().start(backup(id, "gone", "backup-gone-1"), c -> {});
    cms.backups().finish("backup-gone-1", taken(), null);
    cms.transition(id, EnumSet.of(InstanceState.RUNNING), InstanceState.DELETED, "test");

    BackupPolicies.Holder h =
        cms.backups().policies().holders().stream()
            .filter(x -> x.instanceId().equals(id))
            .findFirst()
            .orElseThrow();
    assertThat(h.deletedAt()).isNotNull();
    assertThat(h.deleteWithInstance()).isFalse();
    assertThat(cms.backups().listByName("gone"))
        .extracting(BackupRow::id)
        .contains("backup-gone-1");

    cms.backups().policies().purged(id);

    assertThat(cms.backups().policies().holders()).noneMatch(x -> x.instanceId().equals(id));
    assertThat(cms.backups().list(id)).isEmpty();
    assertThat(cms.backups().find("backup-gone-1").orElseThrow().deletedAt()).isNotNull();
  }
}

package dev.toygres.controlplane.backupstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryBackupStoreTest {

  @TempDir Path tmp;

  private int archive(DirectoryBackupStore store, Path dataDir, String name) throws Exception {
    String command = store.archiveCommand("shop-abc123").replace("%p", "pg_wal/" + name);
    command = command.replace("%f", name);
    return new ProcessBuilder("sh", "-c", command)
        .directory(dataDir.toFile())
        .inheritIO()
        .start()
        .waitFor();
  }

  @Test
  void theArchiveCommandCopiesASegmentOnceAcceptsTheSameAgainAndRefusesADifferentOne()
      throws Exception {
    DirectoryBackupStore store = new DirectoryBackupStore(tmp.resolve("it's backups"), null);
    store.prepareInstance("shop-abc123", 18, null);
    Path data = Files.createDirectories(tmp.resolve("pgdata/pg_wal"));
    String seg = "000000010000000000000003";
    Files.writeString(data.resolve(seg), "wal bytes");

    assertThat(archive(store, data.getParent(), seg)).isZero();
    assertThat(store.walFiles("shop-abc123")).containsExactly(seg);
    assertThat(Files.readString(store.walDir("shop-abc123").resolve(seg))).isEqualTo("wal bytes");
    assertThat(archive(store, data.getParent(), seg)).isZero();

    Files.writeString(data.resolve(seg), "other bytes");
    assertThat(archive(store, data.getParent(), seg)).isNotZero();
    assertThat(Files.readString(store.walDir("shop-abc123").resolve(seg))).isEqualTo("wal bytes");
    assertThat(store.walFiles("shop-abc123")).containsExactly(seg);
  }

  @Test
  void theArchiveCommandNamesItsDirectoryOnceSoPostgres15RunsItWholeAndATooLongPathIsRefused() {
    // PostgreSQL 15 expands archive_command into 1024 bytes and cuts the rest.
    Path deep = tmp.resolve("d".repeat(200));
    String command = new DirectoryBackupStore(deep, null).archiveCommand("shop-abc123");
    assertThat(command.split(java.util.regex.Pattern.quote(deep.toString()), -1)).hasSize(2);
    assertThat(command.replace("%f", "f".repeat(40)).replace("%p", "p".repeat(47)).length())
        .isLessThanOrEqualTo(DirectoryBackupStore.MAX_COMMAND);
    DirectoryBackupStore tooDeep = new DirectoryBackupStore(tmp.resolve("d".repeat(800)), null);
    assertThatThrownBy(() -> tooDeep.archiveCommand("shop-abc123"))
        .isInstanceOf(BackupStoreException.class)
        .hasMessageContaining("too long")
        .hasMessageContaining("--backup-dir");
  }

  @Test
  void aBaseBackupIsListedOnlyOnceItsManifestIsWrittenAndDeletingItRemovesItsDirectory()
      throws Exception {
    DirectoryBackupStore store = new DirectoryBackupStore(tmp, null);
    store.prepareInstance("shop-abc123", 17, "7312");
    Path dir = store.openBase("shop-abc123", "b1");
    Files.createDirectories(dir.resolve("data/base/5"));
    Files.writeString(dir.resolve("data/base/5/1259"), "pages");
    assertThat(store.manifests("shop-abc123")).isEmpty();

    BackupManifest m = manifest("b1", FileHashes.list(dir.resolve("data")));
    store.finishBase(m);

    DirectoryBackupStore second = new DirectoryBackupStore(tmp, null);
    assertThat(second.manifests("shop-abc123")).containsExactly(m);
    assertThat(m.sizeBytes()).isEqualTo(5);
    assertThatThrownBy(() -> store.openBase("shop-abc123", "b1"))
        .isInstanceOf(IllegalStateException.class);

    store.deleteBase("shop-abc123", "b1");
    assertThat(Files.exists(dir)).isFalse();
    assertThat(store.manifests("shop-abc123")).isEmpty();
  }

  @Test
  void verificationNamesEveryFileThatDiffersIsMissingOrIsExtra() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data/base/5"));
    Files.writeString(data.resolve("1259"), "pages");
    Files.writeString(data.resolve("1260"), "more pages");
    Files.writeString(data.resolve("1261"), "gone soon");
    List<BackupFile> files = FileHashes.list(tmp.resolve("data"));

    Files.writeString(data.resolve("1259"), "pagez");
    Files.writeString(data.resolve("1260"), "more pages!");
    Files.delete(data.resolve("1261"));
    Files.writeString(data.resolve("9999"), "new");

    assertThat(FileHashes.problems(tmp.resolve("data"), files, "data/"))
        .containsExactly(
            "data/base/5/1259: SHA-256 differs",
            "data/base/5/1260: size 11 instead of 10",
            "data/base/5/1261: missing",
            "data/base/5/9999: not in the manifest");
  }

  @Test
  void walFilesOrderByTheirPositionWhateverTheirTimeline() {
    assertThat(WalNames.position("000000020000000100000003")).isEqualTo("0000000100000003");
    assertThat(WalNames.position("000000010000000000000003.00000028.backup"))
        .isEqualTo("0000000000000003");
    assertThat(WalNames.isHistory("00000002.history")).isTrue();
    assertThat(WalNames.isWalFile("000000010000000000000003.tmp")).isFalse();
  }

  @Test
  void purgingAnInstanceRemovesItsBackupsAndItsArchive() throws Exception {
    DirectoryBackupStore store = new DirectoryBackupStore(tmp, null);
    store.prepareInstance("shop-abc123", 17, null);
    Files.writeString(store.walDir("shop-abc123").resolve("000000010000000000000001"), "x");
    store.openBase("shop-abc123", "b1");
    store.finishBase(manifest("b1", List.of()));

    store.purge("shop-abc123");

    assertThat(Files.exists(store.instanceDir("shop-abc123"))).isFalse();
    assertThat(store.manifests("shop-abc123")).isEmpty();
    assertThat(store.walFiles("shop-abc123")).isEmpty();
  }

  private static BackupManifest manifest(String id, List<BackupFile> files) {
    return new BackupManifest(
        id,
        "shop-abc123",
        17,
        "admin",
        "0/2000028",
        "0/2000100",
        1,
        "000000010000000000000002",
        "000000010000000000000002",
        "2026-11-30T10:00:00Z",
        "2026-11-30T10:00:01Z",
        files);
  }
}

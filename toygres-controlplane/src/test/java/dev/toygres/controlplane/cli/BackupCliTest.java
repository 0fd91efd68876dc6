package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The backup commands' checks before any request, and what they print. */
class BackupCliTest {
  static final String NOWHERE = "http://127.0.0.1:9";

  @Test
  void aRestoreTargetWithoutASourceIsAUsageErrorBeforeAnyRequest() {
    CliRun run =
        CliRun.of(
            "create",
            "b",
            "--to-time",
            "2026-11-30T10:00:00Z",
            "--server",
            NOWHERE,
            "--token",
            "t");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("--to-time and --to-lsn need --from");
  }

  @Test
  void bothTargetsAtOnceAreAUsageError() {
    CliRun run =
        CliRun.of(
            "create",
            "b",
            "--from",
            "a",
            "--to-time",
            "2026-11-30T10:00:00Z",
            "--to-lsn",
            "0/1",
            "--server",
            NOWHERE,
            "--token",
            "t");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("not both");
  }

  @Test
  void aBadBackupScheduleOrRetentionOnCreateIsAUsageErrorBeforeAnyRequest() {
    CliRun schedule =
        CliRun.of(
            "create", "b", "--backup-schedule", "weekly", "--server", NOWHERE, "--token", "t");
    assertThat(schedule.exitCode()).as(schedule.toString()).isEqualTo(2);
    assertThat(schedule.err()).contains("--backup-schedule").contains("or off");

    CliRun retention =
        CliRun.of(
            "create", "b", "--backup-retention", "forever", "--server", NOWHERE, "--token", "t");
    assertThat(retention.exitCode()).as(retention.toString()).isEqualTo(2);
    assertThat(retention.err()).contains("--backup-retention");
  }

  @Test
  void theScheduleCommandTakesTheIssuesFlagNames() {
    CliRun run =
        CliRun.of(
            "backup",
            "schedule",
            "b",
            "--backup-schedule",
            "1d",
            "--backup-retention",
            "7d",
            "--server",
            NOWHERE,
            "--token",
            "t");
    // Parsed: it gets as far as trying the server (nothing listens on port 9).
    assertThat(run.exitCode()).as(run.toString()).isNotEqualTo(2);
    assertThat(run.err()).doesNotContain("Unknown option");
  }

  @Test
  void backupWithoutASubcommandNamesThem() {
    CliRun run = CliRun.of("backup");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("create, list, get, delete or schedule");
  }

  @Test
  void getShowsTheRestoreWindowAndThePolicy() throws Exception {
    JsonNode i =
        ApiClient.MAPPER.readTree(
            """
            {"name": "a", "state": "running", "backups": {
              "earliest_restorable": "2026-11-29T10:00:00Z",
              "latest_restorable": "2026-11-30T09:59:00Z",
              "policy": {"schedule": "1d", "retention": "7d", "next_backup_at": null}}}""");

    String text = GetCommand.render(i, Instant.parse("2026-11-30T10:00:00Z"));

    assertThat(text)
        .contains("backups")
        .contains("earliest restorable")
        .contains("2026-11-29")
        .contains("every 1d")
        .contains("7d");
  }

  @Test
  void backupsAreListedOneLineEach() throws Exception {
    JsonNode items =
        ApiClient.MAPPER.readTree(
            """
            [{"id": "backup-a-x-12345678", "instance_name": "a", "status": "completed",
              "kind": "manual", "finished_at": "2026-11-30T09:00:00Z", "end_lsn": "0/3000100",
              "size_bytes": 41943040, "verified": true}]""");

    String text = BackupCommand.table(items, Instant.parse("2026-11-30T10:00:00Z"));

    assertThat(text.lines()).hasSize(2);
    assertThat(text).contains("backup-a-x-12345678").contains("40.0 MB").contains("0/3000100");
  }
}

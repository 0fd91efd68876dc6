package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.backup.BackupService;
import dev.toygres.controlplane.config.Durations;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code toygres create NAME}: asks the server for a new instance. The server never returns the
 * password, so once the instance runs this command prints the connection string with the password
 * the user gave, ready for {@code psql "<string>"}.
 */
@Command(
    name = "create",
    header = "Creates a PostgreSQL instance.",
    description = {
      "Creates a PostgreSQL instance. Its user (--user, default postgres) is the",
      "owner of the instance but not a superuser. Its password (at least 8",
      "characters) comes from --password-stdin, else env TOYGRES_PASSWORD, else",
      "a prompt on the terminal.",
      "With --wait, prints the connection string, with the password, once it runs",
      "(with --wait --json: the instance as GET /api/instances/NAME returns it).",
      "--replicas N makes N streaming standbys; --synchronous makes every commit",
      "wait for one of them (see docs/replication.md).",
      "--from NAME|BACKUP_ID [--to-time T | --to-lsn L] restores a backup and its",
      "archived WAL into the new instance (see docs/backups.md)."
    })
final class CreateCommand extends ClientCommand {
  @Parameters(
      index = "0",
      paramLabel = "NAME",
      description = "Lower-case letters, digits and hyphens, starting with a letter.")
  String name;

  @Mixin PasswordOptions password;

  @Option(
      names = "--version",
      paramLabel = "V",
      description = "PostgreSQL major version (default: the server's newest).")
  String version;

  @Option(names = "--storage-gb", paramLabel = "N", description = "Storage size in GB.")
  Integer storageGb;

  @Option(
      names = "--user",
      paramLabel = "USER",
      description = "The instance's user (role) to log in as (default: postgres).")
  String user;

  @Option(
      names = "--replicas",
      paramLabel = "N",
      description = "Streaming standbys to make, 0 to 5 (default 0).")
  Integer replicas;

  @Option(
      names = "--synchronous",
      description = "Every commit waits for one standby to confirm it (needs --replicas >= 1).")
  boolean synchronous;

  @Option(
      names = "--from",
      paramLabel = "NAME|BACKUP_ID",
      description =
          "Restore from a backup: a backup id, or an instance name (live, or deleted with"
              + " backups left), whose newest backup before the target is used.")
  String from;

  @Option(
      names = "--to-time",
      paramLabel = "T",
      description = "With --from: replay the WAL up to this RFC 3339 time (default: all of it).")
  String toTime;

  @Option(
      names = "--backup-schedule",
      paramLabel = "DURATION",
      description =
          "How often a scheduled backup of the new instance is taken, e.g. 1d, 6h, or off"
              + " (default 1d; later: toygres backup schedule).")
  String backupSchedule;

  @Option(
      names = "--backup-retention",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long the new instance's backups are kept, e.g. 7d (default 7d).")
  java.time.Duration backupRetention;

  @Option(
      names = "--to-lsn",
      paramLabel = "LSN",
      description = "With --from: replay the WAL up to this LSN, e.g. 0/3000060.")
  String toLsn;

  @Mixin WaitOptions waitOptions;

  /** The server's bounds for a backup schedule or retention, checked before anything is made. */
  private void inBackupRange(String flag, java.time.Duration d) {
    if (d.compareTo(BackupService.MIN_SCHEDULE) < 0
        || d.compareTo(BackupService.MAX_DURATION) > 0) {
      throw new ParameterException(
          spec.commandLine(),
          flag
              + " must be between "
              + Durations.format(BackupService.MIN_SCHEDULE)
              + " and "
              + Durations.format(BackupService.MAX_DURATION)
              + ", was "
              + Durations.format(d));
    }
  }

  @Override
  public Integer call() {
    if (from == null && (toTime != null || toLsn != null)) {
      throw new ParameterException(
          spec.commandLine(), "--to-time and --to-lsn need --from (the backup to restore from)");
    }
    if (toTime != null && toLsn != null) {
      throw new ParameterException(spec.commandLine(), "give --to-time or --to-lsn, not both");
    }
    if (backupSchedule != null && !backupSchedule.strip().equalsIgnoreCase("off")) {
      try {
        inBackupRange("--backup-schedule", new DurationConverter().convert(backupSchedule));
      } catch (picocli.CommandLine.TypeConversionException e) {
        throw new ParameterException(
            spec.commandLine(), "--backup-schedule: " + e.getMessage() + ", or off");
      }
    }
    if (backupRetention != null) {
      inBackupRange("--backup-retention", backupRetention);
    }
    String pw = password.read("Password for " + name + " (at least 8 characters): ");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("password", pw);
    if (version != null) {
      body.put("postgres_version", version);
    }
    if (storageGb != null) {
      body.put("storage_size_gb", storageGb);
    }
    if (user != null) {
      body.put("user", user);
    }
    if (replicas != null) {
      body.put("replicas", replicas);
    }
    if (synchronous) {
      body.put("synchronous", true);
    }
    if (from != null) {
      Map<String, Object> restore = new LinkedHashMap<>();
      restore.put("from", from);
      if (toTime != null) {
        restore.put("to_time", toTime);
      }
      if (toLsn != null) {
        restore.put("to_lsn", toLsn);
      }
      body.put("restore", restore);
    }
    ApiClient.Response r = api().post("/api/instances", body);
    JsonNode created = r.json();
    if (backupSchedule != null || backupRetention != null) {
      Map<String, Object> policy = new LinkedHashMap<>();
      if (backupSchedule != null) {
        policy.put("every", backupSchedule.strip());
      }
      if (backupRetention != null) {
        policy.put("retention", Durations.format(backupRetention));
      }
      api().send("PUT", instancePath(name) + "/backup-policy", policy);
    }
    String id = JsonText.text(created, "orchestration_id");
    KeyValues kv =
        new KeyValues()
            .add("name", JsonText.text(created, "instance_name"))
            .add("k8s name", JsonText.text(created, "k8s_name"))
            .add("orchestration", id);
    if (!waitOptions.wait) {
      if (json()) {
        return printJson(r);
      }
      print(kv.add("state", "creating").render());
      err()
          .println(
              "(pass --wait to wait for it, or follow it with: toygres orchestrations get "
                  + id
                  + ")");
      return 0;
    }
    OrchestrationWaiter.Outcome o =
        new OrchestrationWaiter(api(), err(), tty()).await(id, waitOptions.timeout);
    Lifecycle.requireCompleted(o, "creating " + name, id);
    ApiClient.Response got = api().get(instancePath(name));
    if (json()) {
      return printJson(got);
    }
    JsonNode i = got.json();
    String state = JsonText.text(i, "state");
    kv.add("state", state).add("health", JsonText.text(i, "health_status"));
    if ("running".equals(state)) {
      kv.add(
          "connection", ConnectionStrings.withPassword(JsonText.text(i, "connection_string"), pw));
      kv.add(
          "read-only connection",
          ConnectionStrings.withPassword(JsonText.text(i, "read_only_connection_string"), pw));
    }
    return print(kv.render());
  }
}

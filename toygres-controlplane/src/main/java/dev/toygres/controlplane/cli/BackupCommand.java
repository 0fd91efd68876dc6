package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code toygres backup create|list|get|delete|schedule} (docs/backups.md#api-and-cli). */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description =
        "Takes, lists, shows and deletes base backups, and sets an instance's backup schedule and"
            + " retention. Restore with: toygres create NEW --from NAME|BACKUP_ID.",
    subcommands = {
      BackupCommand.Create.class,
      BackupCommand.Listing.class,
      BackupCommand.Get.class,
      BackupCommand.Delete.class,
      BackupCommand.Schedule.class
    })
final class BackupCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing required subcommand: create, list, get, delete or schedule");
  }

  static String backupPath(String id) {
    return "/api/backups/" + ApiClient.segment(id);
  }

  @Command(
      name = "create",
      description = {
        "Takes an online base backup of a running instance, verified against its manifest.",
        "With --wait, shows its progress and then the backup."
      })
  static final class Create extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The instance.")
    String name;

    @Mixin WaitOptions waitOptions;

    @Override
    public Integer call() {
      ApiClient.Response r = api().post(instancePath(name) + "/backups", Map.of());
      String id = JsonText.text(r.json(), "backup_id");
      if (!waitOptions.wait) {
        if (json()) {
          return printJson(r);
        }
        print(new KeyValues().add("backup", id).add("status", "running").render());
        err()
            .println(
                "(pass --wait to wait for it, or follow it with: toygres backup get " + id + ")");
        return 0;
      }
      OrchestrationWaiter.Outcome o =
          new OrchestrationWaiter(api(), err(), tty()).await(id, waitOptions.timeout);
      Lifecycle.requireCompleted(o, "backing up " + name, id);
      ApiClient.Response got = api().get(backupPath(id));
      JsonNode b = got.json();
      if (!"completed".equals(JsonText.text(b, "status"))) {
        throw CliException.local(
            "backup " + id + " of " + name + " failed: " + JsonText.text(b, "error"));
      }
      return json() ? printJson(got) : print(render(b, Instant.now()));
    }
  }

  @Command(
      name = "list",
      description = "Lists the stored backups (of instance NAME, deleted ones too).")
  static final class Listing extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The instance.")
    String name;

    @Override
    public Integer call() {
      String path =
          name == null
              ? "/api/backups"
              : "/api/backups" + ApiClient.query(ApiClient.params("instance", name));
      ApiClient.Response r = api().get(path);
      if (json()) {
        return printJson(r);
      }
      JsonNode items = r.json();
      if (items.isEmpty()) {
        return print("no backups (take one with: toygres backup create NAME --wait)\n");
      }
      return print(table(items, Instant.now()));
    }
  }

  static String table(JsonNode items, Instant now) {
    Table t =
        new Table("ID", "INSTANCE", "STATUS", "KIND", "FINISHED", "END LSN", "SIZE", "VERIFIED");
    for (JsonNode b : items) {
      t.row(
          JsonText.text(b, "id"),
          JsonText.text(b, "instance_name"),
          JsonText.text(b, "status"),
          JsonText.text(b, "kind"),
          Times.ago(JsonText.text(b, "finished_at"), now),
          JsonText.text(b, "end_lsn"),
          size(JsonText.text(b, "size_bytes")),
          JsonText.text(b, "verified"));
    }
    return t.render();
  }

  @Command(name = "get", description = "Shows one backup.")
  static final class Get extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The backup's id.")
    String id;

    @Override
    public Integer call() {
      ApiClient.Response r = api().get(backupPath(id));
      return json() ? printJson(r) : print(render(r.json(), Instant.now()));
    }
  }

  static String render(JsonNode b, Instant now) {
    return new KeyValues()
        .add("id", JsonText.text(b, "id"))
        .add("instance", JsonText.text(b, "instance_name"))
        .add("status", JsonText.text(b, "status"))
        .add("kind", JsonText.text(b, "kind"))
        .add("started", Times.stamp(JsonText.text(b, "started_at"), now))
        .add("finished", Times.stamp(JsonText.text(b, "finished_at"), now))
        .add("start lsn", JsonText.text(b, "start_lsn"))
        .add("end lsn", JsonText.text(b, "end_lsn"))
        .add("timeline", JsonText.text(b, "timeline"))
        .add("size", size(JsonText.text(b, "size_bytes")))
        .add("verified", JsonText.text(b, "verified"))
        .add("verify error", JsonText.text(b, "verify_error"))
        .add("error", JsonText.text(b, "error"))
        .add("location", JsonText.text(b, "location"))
        .render();
  }

  @Command(
      name = "delete",
      description = {
        "Deletes a backup's files. Refused for the base of a retained restore window",
        "(the oldest backup the retention keeps) unless --force."
      })
  static final class Delete extends ClientCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The backup's id.")
    String id;

    @Option(names = "--force", description = "Delete it even if a retained window needs it.")
    boolean force;

    @Override
    public Integer call() {
      api().delete(backupPath(id) + (force ? "?force=true" : ""));
      return print(new KeyValues().add("deleted", id).render());
    }
  }

  @Command(
      name = "schedule",
      description = {
        "Shows or sets an instance's backup schedule and retention (default: a backup a",
        "day, kept 7 days). --every off turns scheduled backups off."
      })
  static final class Schedule extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The instance.")
    String name;

    @Option(
        names = {"--every", "--backup-schedule"},
        paramLabel = "DURATION",
        description = "How often a scheduled backup is taken, e.g. 1d, 6h, or off.")
    String every;

    @Option(
        names = {"--retention", "--backup-retention"},
        paramLabel = "DURATION",
        description = "How long backups are kept, e.g. 7d.")
    String retention;

    @Override
    public Integer call() {
      ApiClient.Response r;
      if (every == null && retention == null) {
        r = api().get(instancePath(name) + "/backup-policy");
      } else {
        Map<String, Object> body = new LinkedHashMap<>();
        if (every != null) {
          body.put("every", every);
        }
        if (retention != null) {
          body.put("retention", retention);
        }
        r = api().send("PUT", instancePath(name) + "/backup-policy", body);
      }
      if (json()) {
        return printJson(r);
      }
      JsonNode p = r.json();
      return print(policy(new KeyValues().add("instance", name), p).render());
    }
  }

  static KeyValues policy(KeyValues kv, JsonNode p) {
    String schedule = JsonText.text(p, "schedule");
    return kv.add("schedule", schedule == null ? "off" : "every " + schedule)
        .add("retention", JsonText.text(p, "retention"))
        .add("next backup", JsonText.text(p, "next_backup_at"));
  }

  static String size(String bytes) {
    if (bytes == null) {
      return null;
    }
    long b = Long.parseLong(bytes);
    if (b < 1024 * 1024) {
      return b + " B";
    }
    return String.format(java.util.Locale.ROOT, "%.1f MB", b / (1024.0 * 1024.0));
  }
}

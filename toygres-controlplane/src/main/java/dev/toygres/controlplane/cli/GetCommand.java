package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code toygres get NAME}: one instance, its actor and where it runs. */
@Command(name = "get", description = "Shows an instance, its actor and its server.")
final class GetCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The instance.")
  String name;

  @Override
  public Integer call() {
    ApiClient.Response r = api().get(instancePath(name));
    return json() ? printJson(r) : print(render(r.json(), Instant.now()));
  }

  static String render(JsonNode i, Instant now) {
    JsonNode actor = i.path("actor");
    JsonNode dp = i.path("data_plane");
    String storage = JsonText.text(i, "storage_size_gb");
    KeyValues kv =
        new KeyValues()
            .add("name", JsonText.text(i, "name"))
            .add("id", JsonText.text(i, "id"))
            .add("k8s name", JsonText.text(i, "k8s_name"))
            .add("namespace", JsonText.text(i, "namespace"))
            .add("state", JsonText.text(i, "state"))
            .add("health", JsonText.text(i, "health_status"))
            .add("last check", Times.stamp(JsonText.text(i, "last_health_check"), now))
            .add("consecutive failures", JsonText.text(i, "consecutive_failures"))
            .add("postgres version", JsonText.text(i, "postgres_version"))
            .add("storage", storage == null ? null : storage + " GB")
            .add("user", JsonText.text(i, "user"))
            .add("connection", JsonText.text(i, "connection_string"))
            .add("read-only connection", JsonText.text(i, "read_only_connection_string"))
            .add("monitoring", onOff(i.get("monitoring_enabled")))
            .add("archive", archive(i.path("archive"), now))
            .section("actor")
            .add("id", JsonText.text(actor, "id"))
            .add("status", JsonText.text(actor, "status"))
            .add("diagnosis", JsonText.text(actor, "diagnosis"))
            .add("reason", JsonText.text(actor, "reason"))
            .end()
            .section("data plane")
            .add("kind", JsonText.text(dp, "kind"))
            .add("host", JsonText.text(dp, "host"))
            .add("port", JsonText.text(dp, "port"))
            .add("data dir", JsonText.text(dp, "data_dir"))
            .add("pid", JsonText.text(dp, "pid"))
            .end();
    backups(kv, i.path("backups"), now);
    return kv.section("orchestrations")
            .add("create", JsonText.text(i, "create_orchestration_id"))
            .add("delete", JsonText.text(i, "delete_orchestration_id"))
            .end()
            .add("created", Times.stamp(JsonText.text(i, "created_at"), now))
            .add("updated", Times.stamp(JsonText.text(i, "updated_at"), now))
            .add("started", Times.stamp(JsonText.text(i, "started_at"), now))
            .add("stopped", Times.stamp(JsonText.text(i, "stopped_at"), now))
            .render()
        + members(i.path("members"));
  }

  /** The instance's servers as a table, when it has standbys; empty otherwise. */
  static String members(JsonNode members) {
    if (!members.isArray() || members.size() < 2) {
      return "";
    }
    Table t = new Table("ROLE", "NAME", "ADDRESS", "PID", "HEALTH", "LAG", "TIMELINE");
    for (JsonNode m : members) {
      String bytes = JsonText.text(m, "lag_bytes");
      String secs = JsonText.text(m, "lag_seconds");
      t.row(
          JsonText.text(m, "role"),
          JsonText.text(m, "name"),
          JsonText.text(m, "host") + ":" + JsonText.text(m, "port"),
          JsonText.text(m, "pid"),
          JsonText.text(m, "health"),
          bytes == null ? "" : bytes + " B" + (secs == null ? "" : ", " + secs + " s"),
          JsonText.text(m, "timeline"));
    }
    return "\nmembers\n" + t.render();
  }

  /**
   * The WAL archive in one line: {@code ok; last 000000010000000000000003 (12s ago); lag 0
   * segments}, followed by {@code ; 3 failures, last 000000010000000000000004 (5s ago)} when any
   * attempt failed; null when the server sent no archive.
   */
  static String archive(JsonNode a, Instant now) {
    String status = JsonText.text(a, "status");
    if (status == null) {
      return null;
    }
    StringBuilder line = new StringBuilder(status);
    String last = JsonText.text(a, "last_archived_wal");
    if (last != null) {
      line.append("; last ")
          .append(last)
          .append(" (")
          .append(Times.ago(JsonText.text(a, "last_archived_at"), now))
          .append(")");
    }
    String lag = JsonText.text(a, "lag_segments");
    if (lag != null) {
      line.append("; lag ").append(lag).append("1".equals(lag) ? " segment" : " segments");
    }
    String failed = JsonText.text(a, "failed_count");
    if (failed != null && !"0".equals(failed)) {
      line.append("; ")
          .append(failed)
          .append("1".equals(failed) ? " failure" : " failures")
          .append(", last ")
          .append(JsonText.text(a, "last_failed_wal"))
          .append(" (")
          .append(Times.ago(JsonText.text(a, "last_failed_at"), now))
          .append(")");
    }
    return line.toString();
  }

  /** The restore window and the backup policy, when the server sends them. */
  private static void backups(KeyValues kv, JsonNode b, Instant now) {
    if (b.isMissingNode() || b.isNull()) {
      return;
    }
    JsonNode p = b.path("policy");
    kv.section("backups")
        .add("earliest restorable", Times.stamp(JsonText.text(b, "earliest_restorable"), now))
        .add("latest restorable", Times.stamp(JsonText.text(b, "latest_restorable"), now))
        .add("schedule", schedule(p))
        .add("retention", JsonText.text(p, "retention"))
        .add("next backup", Times.stamp(JsonText.text(p, "next_backup_at"), now))
        .end();
  }

  private static String schedule(JsonNode policy) {
    if (policy.isMissingNode()) {
      return null;
    }
    String every = JsonText.text(policy, "schedule");
    return every == null ? "off" : "every " + every;
  }

  private static String onOff(JsonNode v) {
    return v == null || v.isNull() ? null : v.asBoolean() ? "on" : "off";
  }
}

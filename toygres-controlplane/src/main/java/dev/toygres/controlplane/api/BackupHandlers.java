package dev.toygres.controlplane.api;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.api.BackupViews.BackupView;
import dev.toygres.controlplane.api.BackupViews.PolicyBody;
import dev.toygres.controlplane.api.BackupViews.PolicyView;
import dev.toygres.controlplane.backup.BackupOperations;
import dev.toygres.controlplane.config.Durations;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * {@code /api/backups}, {@code /api/instances/{name}/backups} and {@code
 * /api/instances/{name}/backup-policy} (docs/api.md#backups).
 */
final class BackupHandlers {
  private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,120}");

  private final BackupOperations backups;

  BackupHandlers(BackupOperations backups) {
    this.backups = backups;
  }

  void create(Context ctx) {
    BackupOperations.Started s = backups.create(Params.instanceName(ctx));
    ctx.status(202).json(new BackupViews.Started(s.backupId(), s.orchestrationId()));
  }

  void list(Context ctx) {
    String instance = Params.optionalQuery(ctx, "instance");
    ctx.json(backups.list(instance).stream().map(BackupView::of).toList());
  }

  void get(Context ctx) {
    ctx.json(BackupView.of(backups.get(id(ctx))));
  }

  void delete(Context ctx) {
    String id = id(ctx);
    String force = Params.optionalQuery(ctx, "force");
    if (force != null && !force.equals("true") && !force.equals("false")) {
      throw new InvalidRequestException("force", "force must be true or false");
    }
    backups.delete(id, "true".equals(force));
    ctx.status(204);
  }

  void policy(Context ctx) {
    ctx.json(PolicyView.of(backups.policy(Params.instanceName(ctx))));
  }

  void setPolicy(Context ctx) {
    String name = Params.instanceName(ctx);
    PolicyBody b = RequestBodies.read(ctx, PolicyBody.class);
    boolean off = b.every() != null && b.every().strip().equalsIgnoreCase("off");
    Duration every = b.every() == null || off ? null : duration("every", b.every());
    Duration retention = b.retention() == null ? null : duration("retention", b.retention());
    ctx.json(PolicyView.of(backups.setPolicy(name, every, off, retention)));
  }

  private static Duration duration(String field, String text) {
    try {
      return Durations.parse(text);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException(field, field + ": " + e.getMessage());
    }
  }

  private static String id(Context ctx) {
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      throw new InvalidRequestException(
          "id", "invalid backup id: use 1 to 120 characters of a-z, 0-9 and '-'");
    }
    return id;
  }
}

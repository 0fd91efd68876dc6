package dev.toygres.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.access.Caller;
import dev.toygres.controlplane.actor.DoctorOperations;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.api.BackupViews.InstanceBackups;
import dev.toygres.controlplane.api.InstanceViews.CreateBody;
import dev.toygres.controlplane.api.InstanceViews.Detail;
import dev.toygres.controlplane.api.InstanceViews.EventView;
import dev.toygres.controlplane.api.InstanceViews.HealthCheckView;
import dev.toygres.controlplane.api.InstanceViews.OrchestrationRef;
import dev.toygres.controlplane.api.InstanceViews.PasswordBody;
import dev.toygres.controlplane.api.InstanceViews.ScaleBody;
import dev.toygres.controlplane.api.InstanceViews.Summary;
import dev.toygres.controlplane.api.InstanceViews.SwitchoverBody;
import dev.toygres.controlplane.backup.BackupOperations;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.RecentCheck;
import dev.toygres.controlplane.instance.InstanceOperations;
import dev.toygres.controlplane.instance.InstanceOperations.CreateRequest;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * {@code /api/instances} and its lifecycle sub-routes. Bodies and path parameters are checked here,
 * before the service is called; the service checks the rest (name rules, versions, state).
 */
final class InstanceHandlers {
  static final int DEFAULT_HISTORY_LIMIT = 50;

  /** How many of each instance's newest checks the list carries (the fleet's sparklines). */
  static final int RECENT_CHECKS = 30;

  private final InstanceOperations instances;
  private final DoctorOperations doctor;
  private final BackupOperations backups;

  /** {@code backups} null: no backup window and policy in the instance's detail. */
  InstanceHandlers(
      InstanceOperations instances, DoctorOperations doctor, BackupOperations backups) {
    this.instances = instances;
    this.doctor = doctor;
    this.backups = backups;
  }

  /** Every instance with its allowed actions and recent checks: three queries for the fleet. */
  void list(Context ctx) {
    List<InstanceRecord> all = instances.list();
    Map<UUID, List<RecentCheck>> recent = instances.recentChecks(RECENT_CHECKS);
    Map<UUID, Finding> actors = doctor.diagnose(all);
    Caller caller = BearerAuth.caller(ctx);
    ctx.json(
        all.stream()
            .map(
                r ->
                    Summary.of(
                        r,
                        AllowedActions.of(caller, r, actors.get(r.id())),
                        recent.getOrDefault(r.id(), List.of())))
            .toList());
  }

  void create(Context ctx) {
    CreateBody body = RequestBodies.read(ctx, CreateBody.class);
    AuditTrail.target(ctx, body.name());
    CreateRequest request = createRequest(body);
    ctx.status(202).json(instances.create(request));
  }

  void get(Context ctx) {
    InstanceRecord r = instances.get(Params.instanceName(ctx));
    Finding actor = doctor.diagnose(r);
    Detail d =
        Detail.of(
            r,
            instances.maskedConnectionString(r),
            instances.maskedReadOnlyConnectionString(r),
            instances.members(r),
            actor,
            AllowedActions.of(BearerAuth.caller(ctx), r, actor));
    if (backups == null) {
      ctx.json(d);
      return;
    }
    ObjectNode json = ApiJson.MAPPER.valueToTree(d);
    json.set(
        "backups",
        ApiJson.MAPPER.valueToTree(
            InstanceBackups.of(backups.window(r), backups.policy(r.userName()))));
    ctx.json(json);
  }

  void delete(Context ctx) {
    String choice = Params.optionalQuery(ctx, "backups");
    if (choice != null && !choice.equals("keep") && !choice.equals("delete")) {
      throw new InvalidRequestException(
          "backups", "backups must be keep (the default) or delete, was '" + choice + "'");
    }
    boolean deleteBackups = "delete".equals(choice);
    lifecycle(ctx, name -> instances.delete(name, deleteBackups));
  }

  void stop(Context ctx) {
    lifecycle(ctx, instances::stop);
  }

  void start(Context ctx) {
    lifecycle(ctx, instances::start);
  }

  void restart(Context ctx) {
    lifecycle(ctx, instances::restart);
  }

  void scale(Context ctx) {
    String name = Params.instanceName(ctx);
    ScaleBody b = RequestBodies.read(ctx, ScaleBody.class);
    if (b.replicas() == null) {
      throw new InvalidRequestException("replicas", "field 'replicas' is required");
    }
    ctx.status(202).json(new OrchestrationRef(instances.scale(name, b.replicas())));
  }

  void switchover(Context ctx) {
    String name = Params.instanceName(ctx);
    SwitchoverBody b =
        RequestBodies.readOptional(ctx, SwitchoverBody.class, new SwitchoverBody(null));
    ctx.status(202).json(new OrchestrationRef(instances.switchover(name, b.to())));
  }

  void changePassword(Context ctx) {
    String name = Params.instanceName(ctx);
    PasswordBody b = RequestBodies.read(ctx, PasswordBody.class);
    if (b.password() == null || b.password().isEmpty()) {
      throw new InvalidRequestException("password", "field 'password' is required");
    }
    ctx.json(instances.changePassword(name, b.password()));
  }

  void healthChecks(Context ctx) {
    String name = Params.instanceName(ctx);
    int limit = Params.limit(ctx, DEFAULT_HISTORY_LIMIT);
    ctx.json(instances.healthChecks(name, limit).stream().map(HealthCheckView::of).toList());
  }

  void events(Context ctx) {
    String name = Params.instanceName(ctx);
    int limit = Params.limit(ctx, DEFAULT_HISTORY_LIMIT);
    ctx.json(instances.events(name, limit).stream().map(EventView::of).toList());
  }

  private static void lifecycle(Context ctx, UnaryOperator<String> operation) {
    String name = Params.instanceName(ctx);
    ctx.status(202).json(new OrchestrationRef(operation.apply(name)));
  }

  static CreateRequest createRequest(CreateBody b) {
    // Only the request's shape is checked here; the rules for names, passwords, versions and
    // sizes live in the instance service, so the API and every other caller share them.
    if (b.name() == null || b.name().isEmpty()) {
      throw new InvalidRequestException("name", "field 'name' is required");
    }
    if (b.password() == null || b.password().isEmpty()) {
      throw new InvalidRequestException("password", "field 'password' is required");
    }
    return new CreateRequest(
        b.name(),
        b.password(),
        version(b.postgresVersion()),
        b.storageSizeGb(),
        b.user(),
        b.replicas(),
        b.synchronous(),
        b.restore() == null
            ? null
            : new InstanceOperations.RestoreRequest(
                b.restore().from(), b.restore().toTime(), b.restore().toLsn()));
  }

  private static String version(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isTextual() && !v.asText().isBlank()) {
      return v.asText().trim();
    }
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      return Integer.toString(v.intValue());
    }
    throw new InvalidRequestException(
        "postgres_version",
        "field 'postgres_version' must be a major version as a string or an integer (e.g. 17)");
  }
}

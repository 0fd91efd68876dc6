package dev.toygres.controlplane.api;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.router.JavalinDefaultRouting;
import java.util.Map;

/**
 * The control plane's HTTP API (docs/api.md): JSON in and out, every {@code /api/*} route behind an
 * API token whose role allows the request, {@code /health}, {@code /health/live}, {@code
 * /health/ready} and {@code /metrics} public, no CORS headers. Every error is {@code {"error":
 * "..."}} with a fitting status, mapped in {@link ApiErrors}. Every state-changing request leaves a
 * row in the audit log ({@link AuditTrail}), except those refused because the metadata database is
 * out of reach (the row could not be written either; they are logged instead). While the health
 * report says the metadata database is unreachable, {@code /api/*} requests fail at once with 503.
 */
public final class HttpApi implements AutoCloseable {
  /** The console runs only its own scripts and styles, and is never framed by another site. */
  private static final Map<String, String> CONSOLE_HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
              + " frame-ancestors 'none'; form-action 'self'",
          "X-Content-Type-Options",
          "nosniff",
          "Referrer-Policy",
          "no-referrer",
          "Cache-Control",
          "no-cache");

  private final Javalin app;
  private final AuditTrail audit;

  private HttpApi(Javalin app, AuditTrail audit) {
    this.app = app;
    this.audit = audit;
  }

  /**
   * Starts the API on {@code host}:{@code port} ({@code 0} for any free port) and returns once it
   * accepts connections.
   */
  public static HttpApi start(ApiContext ctx, String host, int port) {
    HttpMetrics metrics = new HttpMetrics(ctx.metrics());
    ApiErrors errors = new ApiErrors(metrics);
    AuditTrail audit = new AuditTrail(ctx.audit());
    Javalin app =
        Javalin.create(
            config -> {
              configure(config, metrics, audit);
              config.router.mount(router -> routes(router, ctx, metrics, errors));
            });
    try {
      app.start(host, port);
    } catch (RuntimeException e) {
      audit.close();
      throw e;
    }
    return new HttpApi(app, audit);
  }

  /** The port the API listens on. */
  public int port() {
    return app.port();
  }

  /** Stops the server; requests in flight are finished first, and their audit rows written. */
  @Override
  public void close() {
    try {
      app.stop();
    } finally {
      audit.close();
    }
  }

  private static void configure(JavalinConfig config, HttpMetrics metrics, AuditTrail audit) {
    config.showJavalinBanner = false;
    config.startupWatcherEnabled = false;
    config.jsonMapper(new JavalinJackson(ApiJson.MAPPER, false));
    config.http.maxRequestSize = RequestBodies.MAX_BYTES;
    config.http.prefer405over404 = true;
    config.http.defaultContentType = "application/json";
    config.router.ignoreTrailingSlashes = true;
    config.requestLogger.http(
        (c, millis) -> {
          metrics.requestDone(c, millis);
          if (!ApiErrors.failedUnavailable(c)) {
            audit.requestDone(c);
          }
        });
    config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
    if (HttpApi.class.getResource("/web/index.html") != null) {
      config.staticFiles.add(
          files -> {
            files.hostedPath = "/";
            files.directory = "/web";
            files.location = Location.CLASSPATH;
            files.headers = CONSOLE_HEADERS;
          });
    }
  }

  private static void routes(
      JavalinDefaultRouting r, ApiContext ctx, HttpMetrics metrics, ApiErrors errors) {
    BearerAuth auth = new BearerAuth(ctx.users(), ctx.sessions());
    HealthHandler health = new HealthHandler(ctx.health());
    InstanceHandlers instances = new InstanceHandlers(ctx.instances(), ctx.doctor(), ctx.backups());
    ActorHandlers actors = new ActorHandlers(ctx.actors());
    OrchestrationHandlers orchestrations = new OrchestrationHandlers(ctx.engine());
    DoctorHandlers doctor = new DoctorHandlers(ctx.doctor(), ctx.recovery());

    r.exception(Exception.class, errors::handle);
    // Javalin answers its own 404/405 unless a handler is registered for exactly this type.
    r.exception(HttpResponseException.class, errors::handle);
    r.before(RequestBodies::checkDeclaredLength);
    r.before("/api/*", c -> failFast(ctx));
    r.before("/api/*", auth::check);

    if (ctx.sessions() != null) {
      SessionHandlers session = new SessionHandlers(auth, ctx.sessions(), ctx.intervals());
      r.post("/ui/login", session::login);
      r.post("/ui/logout", session::logout);
      r.get("/ui/session", session::session);
      r.get("/ui/config", session::config);
    }
    r.get("/health", health::ready);
    r.get("/health/ready", health::ready);
    r.get("/health/live", health::live);
    r.get("/metrics", metrics::scrape);

    r.get("/api/instances", instances::list);
    r.post("/api/instances", instances::create);
    r.get("/api/instances/{name}", instances::get);
    r.delete("/api/instances/{name}", instances::delete);
    r.post("/api/instances/{name}/stop", instances::stop);
    r.post("/api/instances/{name}/start", instances::start);
    r.post("/api/instances/{name}/restart", instances::restart);
    r.post("/api/instances/{name}/password", instances::changePassword);
    r.post("/api/instances/{name}/scale", instances::scale);
    r.post("/api/instances/{name}/switchover", instances::switchover);
    r.get("/api/instances/{name}/health-checks", instances::healthChecks);
    r.get("/api/instances/{name}/events", instances::events);
    r.get("/api/instances/{name}/logs", new LogHandlers(ctx.instances())::logs);
    r.post("/api/instances/{name}/actor/start", actors::start);
    r.post("/api/instances/{name}/actor/restart", actors::restart);
    r.post("/api/instances/{name}/actor/cancel", actors::cancel);
    if (ctx.backups() != null) {
      BackupHandlers backups = new BackupHandlers(ctx.backups());
      r.post("/api/instances/{name}/backups", backups::create);
      r.get("/api/instances/{name}/backup-policy", backups::policy);
      r.put("/api/instances/{name}/backup-policy", backups::setPolicy);
      r.get("/api/backups", backups::list);
      r.get("/api/backups/{id}", backups::get);
      r.delete("/api/backups/{id}", backups::delete);
    }

    r.get("/api/actors", doctor::list);
    r.get("/api/actors/singletons", doctor::singletons);
    r.get("/api/system", new SystemHandlers(ctx.health(), ctx.doctor(), ctx.engine())::get);
    r.post("/api/actors/recover", doctor::recover);
    r.get("/api/orchestrations", orchestrations::list);
    r.get("/api/orchestrations/{id}", orchestrations::get);
    r.get("/api/orchestrations/{id}/history", orchestrations::history);
    r.post("/api/orchestrations/{id}/cancel", orchestrations::cancel);
    r.post("/api/orchestrations/{id}/events", orchestrations::raise);

    TokenHandlers tokens = new TokenHandlers(ctx.users());
    AuditHandlers auditLog = new AuditHandlers(ctx.audit());
    r.get("/api/tokens", tokens::list);
    r.post("/api/tokens", tokens::create);
    r.delete("/api/tokens/{name}", tokens::revoke);
    r.get("/api/audit", auditLog::list);
  }

  private static void failFast(ApiContext ctx) {
    HealthReport h;
    try {
      h = ctx.health().get();
    } catch (RuntimeException e) {
      return;
    }
    if (h != null && h.databaseUnreachable()) {
      throw new DatabaseUnavailableException("the metadata database is unreachable");
    }
  }
}

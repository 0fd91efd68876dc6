package dev.toygres.controlplane.api;

import dev.toygres.controlplane.ToygresException;
import dev.toygres.controlplane.cms.UiSessions;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.util.Map;

/**
 * The web console's login and logout: the admin token buys an HttpOnly, SameSite=Strict session
 * cookie; logging out ends the session in the database, so the cookie is refused from then on.
 * {@code /ui/config} tells the console the intervals it shows ages against.
 */
final class SessionHandlers {
  static final String COOKIE = "toygres_session";
  private final BearerAuth auth;
  private final UiSessions sessions;
  private final ApiContext.Intervals intervals;

  /** Body of {@code POST /ui/login}. */
  record LoginBody(String token) {}

  /** {@code GET /ui/config}: what the console measures ages against; null when not known. */
  record ConsoleConfig(Double healthIntervalSeconds, Double staleAfterSeconds) {}

  SessionHandlers(BearerAuth auth, UiSessions sessions, ApiContext.Intervals intervals) {
    this.auth = auth;
    this.sessions = sessions;
    this.intervals = intervals;
  }

  void login(Context ctx) {
    LoginBody b = RequestBodies.read(ctx, LoginBody.class);
    if (!auth.isAdminToken(b.token())) {
      throw new ToygresException(401, "that is not the admin token");
    }
    String id = sessions.create();
    Cookie c =
        new Cookie(
            COOKIE,
            id,
            "/",
            (int) sessions.lifetime().toSeconds(),
            false,
            0,
            true,
            null,
            null,
            SameSite.STRICT);
    ctx.cookie(c);
    ctx.json(Map.of("status", "logged_in"));
  }

  void logout(Context ctx) {
    sessions.end(ctx.cookie(COOKIE));
    ctx.cookie(new Cookie(COOKIE, "", "/", 0, false, 0, true, null, null, SameSite.STRICT));
    ctx.json(Map.of("status", "logged_out"));
  }

  void session(Context ctx) {
    String id = ctx.cookie(COOKIE);
    if (id == null || !sessions.isValid(id)) {
      throw new ToygresException(401, "not logged in");
    }
    ctx.json(Map.of("status", "logged_in"));
  }

  /** Needs a session (or the bearer token), like every {@code /api/*} read. */
  void config(Context ctx) {
    auth.check(ctx);
    ctx.json(
        intervals == null
            ? new ConsoleConfig(null, null)
            : new ConsoleConfig(
                intervals.healthInterval().toMillis() / 1000.0,
                intervals.staleAfter().toMillis() / 1000.0));
  }
}

package dev.toygres.controlplane.api;

import dev.toygres.controlplane.access.AuthenticationException;
import dev.toygres.controlplane.access.Caller;
import dev.toygres.controlplane.access.TokenSecrets;
import dev.toygres.controlplane.cms.UiSessions;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.util.Map;

/**
 * The web console's login and logout: any valid API token buys an HttpOnly, SameSite=Strict session
 * cookie that remembers the token; logging out ends the session in the database, so the cookie is
 * refused from then on, as it is once its token is revoked or changed. {@code /ui/login} and {@code
 * /ui/session} say who is logged in ({@code {status, token_name, role}}); {@code /ui/config} tells
 * the console the intervals it shows ages against.
 */
final class SessionHandlers {
  static final String COOKIE = "toygres_session";
  private final BearerAuth auth;
  private final UiSessions sessions;
  private final ApiContext.Intervals intervals;

  /** Body of {@code POST /ui/login}. */
  record LoginBody(String token) {}

  /** Who is logged in. */
  record SessionView(String status, String tokenName, String role) {
    static SessionView of(Caller c) {
      return new SessionView("logged_in", c.name(), c.role().label());
    }
  }

  /** {@code GET /ui/config}: what the console measures ages against; null when not known. */
  record ConsoleConfig(Double healthIntervalSeconds, Double staleAfterSeconds) {}

  SessionHandlers(BearerAuth auth, UiSessions sessions, ApiContext.Intervals intervals) {
    this.auth = auth;
    this.sessions = sessions;
    this.intervals = intervals;
  }

  void login(Context ctx) {
    LoginBody b = RequestBodies.read(ctx, LoginBody.class);
    String token = b.token() == null ? null : b.token().trim();
    Caller caller =
        auth.users()
            .authenticate(token)
            .orElseThrow(() -> new AuthenticationException("that is not a valid API token"));
    BearerAuth.remember(ctx, caller);
    String id = sessions.create(caller.name(), TokenSecrets.hash(token));
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
    ctx.json(SessionView.of(caller));
  }

  void logout(Context ctx) {
    String id = ctx.cookie(COOKIE);
    auth.sessionCaller(id).ifPresent(c -> BearerAuth.remember(ctx, c));
    sessions.end(id);
    ctx.cookie(new Cookie(COOKIE, "", "/", 0, false, 0, true, null, null, SameSite.STRICT));
    ctx.json(Map.of("status", "logged_out"));
  }

  void session(Context ctx) {
    Caller caller =
        auth.sessionCaller(ctx.cookie(COOKIE))
            .orElseThrow(() -> new AuthenticationException("not logged in"));
    ctx.json(SessionView.of(caller));
  }

  /** Needs a session (or a bearer token), like every {@code /api/*} read. */
  void config(Context ctx) {
    auth.authenticate(ctx);
    ctx.json(
        intervals == null
            ? new ConsoleConfig(null, null)
            : new ConsoleConfig(
                intervals.healthInterval().toMillis() / 1000.0,
                intervals.staleAfter().toMillis() / 1000.0));
  }
}

package dev.toygres.controlplane.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.access.ApiUsers;
import dev.toygres.controlplane.access.ApiUsers.NewToken;
import dev.toygres.controlplane.access.ApiUsers.TokenInfo;
import dev.toygres.controlplane.access.Role;
import io.javalin.http.Context;
import java.time.Instant;

/**
 * {@code /api/tokens}: API users (admin tokens only, see {@link Permissions}). A new token's secret
 * is in the create answer and nowhere else, ever; lists never show a secret or a digest.
 */
final class TokenHandlers {
  private final ApiUsers users;

  TokenHandlers(ApiUsers users) {
    this.users = users;
  }

  /** Body of {@code POST /api/tokens}. */
  record CreateBody(String name, String role) {}

  /** {@code POST /api/tokens}: the one answer that holds the secret. */
  record Created(String name, String role, String token, Instant createdAt) {
    static Created of(NewToken t) {
      return new Created(t.name(), t.role().label(), t.token(), t.createdAt());
    }

    @Override
    public String toString() {
      return "Created[" + name + ", " + role + ", ****]";
    }
  }

  /** One item of {@code GET /api/tokens}; the built-in admin has no creation time or author. */
  record TokenView(
      String name,
      String role,
      @JsonInclude(JsonInclude.Include.NON_NULL) Instant createdAt,
      @JsonInclude(JsonInclude.Include.NON_NULL) String createdBy,
      boolean builtin) {
    static TokenView of(TokenInfo t) {
      return new TokenView(t.name(), t.role().label(), t.createdAt(), t.createdBy(), t.builtin());
    }
  }

  record Revoked(String name, String status) {}

  void create(Context ctx) {
    CreateBody b = RequestBodies.read(ctx, CreateBody.class);
    AuditTrail.target(ctx, b.name());
    if (b.name() == null || b.name().isEmpty()) {
      throw new InvalidRequestException("name", "field 'name' is required");
    }
    if (b.role() == null || b.role().isEmpty()) {
      throw new InvalidRequestException(
          "role", "field 'role' is required: one of " + Role.allowed());
    }
    NewToken t = users.create(b.name(), b.role(), BearerAuth.caller(ctx));
    ctx.status(201).json(Created.of(t));
  }

  void list(Context ctx) {
    ctx.json(users.list().stream().map(TokenView::of).toList());
  }

  void revoke(Context ctx) {
    String name = ctx.pathParam("name");
    users.revoke(name);
    ctx.json(new Revoked(name, "revoked"));
  }
}

package dev.toygres.controlplane.access;

import dev.toygres.controlplane.ConflictException;
import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.cms.ApiTokens;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The API's users: the built-in {@code admin} token (from {@code TOYGRES_ADMIN_TOKEN} or {@code
 * <data-dir>/admin-token}, never stored in the database) and the named tokens of the tokens table.
 * Secrets are only ever compared as SHA-256 digests: the built-in one with {@link
 * MessageDigest#isEqual}, stored ones by looking their digest up.
 */
public final class ApiUsers {
  /** Longer bearer values are refused without a lookup. */
  private static final int MAX_SECRET = 512;

  private final byte[] adminHash;
  private final ApiTokens tokens;

  /** A token just created; {@code token} is the secret, shown to its creator once. */
  public record NewToken(String name, Role role, String token, Instant createdAt) {
    @Override
    public String toString() {
      return "NewToken[" + name + ", " + role.label() + ", ****]";
    }
  }

  /** A token as listed: never its secret or digest. {@code builtin} marks {@code admin}. */
  public record TokenInfo(
      String name, Role role, Instant createdAt, String createdBy, boolean builtin) {}

  /**
   * Users from the built-in admin token and the tokens table ({@code tokens} null: the built-in
   * token only, and tokens cannot be created).
   */
  public ApiUsers(String adminToken, ApiTokens tokens) {
    if (adminToken == null || adminToken.isBlank()) {
      throw new IllegalArgumentException("the admin token must not be blank");
    }
    this.adminHash = TokenSecrets.hash(adminToken);
    this.tokens = tokens;
  }

  /** The caller a bearer secret stands for, if any. */
  public Optional<Caller> authenticate(String secret) {
    if (secret == null || secret.isEmpty() || secret.length() > MAX_SECRET) {
      return Optional.empty();
    }
    return verify(null, TokenSecrets.hash(secret));
  }

  /**
   * The caller whose secret has the digest {@code tokenHash}, if that token still exists under the
   * name {@code name} (null: any name). Console sessions are checked this way, so revoking a token
   * or changing the built-in one ends its sessions.
   */
  public Optional<Caller> verify(String name, byte[] tokenHash) {
    Objects.requireNonNull(tokenHash, "tokenHash");
    boolean admin = MessageDigest.isEqual(adminHash, tokenHash);
    if (admin && (name == null || name.equals(TokenNames.BUILTIN_ADMIN))) {
      return Optional.of(new Caller(TokenNames.BUILTIN_ADMIN, Role.ADMIN, true));
    }
    if (admin || tokens == null || TokenNames.BUILTIN_ADMIN.equals(name)) {
      return Optional.empty();
    }
    return tokens
        .findByHash(tokenHash)
        .filter(t -> name == null || t.name().equals(name))
        .map(t -> new Caller(t.name(), Role.parse(t.role()), false));
  }

  /**
   * Creates a token named {@code name} with the role labelled {@code role}: {@link
   * InvalidRequestException} for a bad name or role, {@link ConflictException} when the name is
   * taken or reserved.
   */
  public NewToken create(String name, String role, Caller by) {
    TokenNames.checkNew(name);
    Role r =
        Role.find(role)
            .orElseThrow(
                () ->
                    new InvalidRequestException(
                        "role", "unknown role '" + role + "': use one of " + Role.allowed()));
    String secret = TokenSecrets.generate();
    ApiTokens.Row row =
        store()
            .insert(name, r.label(), TokenSecrets.hash(secret), by.name())
            .orElseThrow(
                () -> new ConflictException("a token named '" + name + "' exists already"));
    return new NewToken(row.name(), r, secret, row.createdAt());
  }

  /** The built-in {@code admin} first, then the stored tokens by name. */
  public List<TokenInfo> list() {
    List<TokenInfo> out = new ArrayList<>();
    out.add(new TokenInfo(TokenNames.BUILTIN_ADMIN, Role.ADMIN, null, null, true));
    if (tokens != null) {
      for (ApiTokens.Row t : tokens.list()) {
        out.add(new TokenInfo(t.name(), Role.parse(t.role()), t.createdAt(), t.createdBy(), false));
      }
    }
    return out;
  }

  /**
   * Revokes a token and ends its console sessions at once: {@link NotFoundException} when there is
   * none, {@link ConflictException} for the built-in {@code admin} (which changes with its file or
   * environment variable and a restart).
   */
  public void revoke(String name) {
    if (TokenNames.BUILTIN_ADMIN.equals(name)) {
      throw new ConflictException(
          "the built-in admin token cannot be revoked: change TOYGRES_ADMIN_TOKEN or"
              + " <data-dir>/admin-token and restart the server");
    }
    if (!TokenNames.isWellFormed(name) || !store().delete(name)) {
      throw NotFoundException.named("token", name);
    }
  }

  private ApiTokens store() {
    if (tokens == null) {
      throw new NoTokenStoreException();
    }
    return tokens;
  }

  @Override
  public String toString() {
    return "ApiUsers[admin ****]";
  }
}

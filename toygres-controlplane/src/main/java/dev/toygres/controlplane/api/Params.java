package dev.toygres.controlplane.api;

import dev.toygres.controlplane.InvalidRequestException;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * Path and query parameters, checked before any service is called; a bad one is an {@link
 * InvalidRequestException} naming it.
 */
final class Params {
  private static final Pattern INSTANCE_NAME = Pattern.compile("[a-z0-9-]{1,63}");
  static final int MAX_ID_LENGTH = 256;
  static final int MAX_LIMIT = 1000;

  private Params() {}

  /** The {@code {name}} path parameter: an instance name, 1 to 63 of [a-z0-9-]. */
  static String instanceName(Context ctx) {
    String name = ctx.pathParam("name");
    if (!INSTANCE_NAME.matcher(name).matches()) {
      throw new InvalidRequestException(
          "name", "invalid instance name: use 1 to 63 characters of a-z, 0-9 and '-'");
    }
    return name;
  }

  /** The {@code {id}} path parameter: an orchestration instance id, 1 to 256 characters. */
  static String orchestrationId(Context ctx) {
    String id = ctx.pathParam("id");
    if (id.isBlank() || id.length() > MAX_ID_LENGTH) {
      throw new InvalidRequestException(
          "id", "invalid orchestration id: use 1 to " + MAX_ID_LENGTH + " characters");
    }
    return id;
  }

  /** The {@code limit} query parameter, 1 to 1000, or {@code defaultLimit} when absent. */
  static int limit(Context ctx, int defaultLimit) {
    return intQuery(ctx, "limit", defaultLimit, 1, MAX_LIMIT);
  }

  /** An integer query parameter within {@code [min, max]}, or {@code absent} when not given. */
  static int intQuery(Context ctx, String key, int absent, int min, int max) {
    String raw = ctx.queryParam(key);
    if (raw == null || raw.isEmpty()) {
      return absent;
    }
    try {
      int n = Integer.parseInt(raw.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new InvalidRequestException(
        key, key + " must be an integer between " + min + " and " + max);
  }

  /** A query parameter, or null when absent or empty. */
  static String optionalQuery(Context ctx, String key) {
    String raw = ctx.queryParam(key);
    return raw == null || raw.isBlank() ? null : raw.trim();
  }
}

package dev.toygres.controlplane.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.toygres.controlplane.InvalidRequestException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads request bodies into records, turning every way a body can be wrong into an {@link
 * InvalidRequestException} that names the field; never echoes the body (it may hold a password).
 */
final class RequestBodies {
  /** Largest accepted body; larger ones get 413. */
  static final int MAX_BYTES = 64 * 1024;

  private RequestBodies() {}

  /** The body as {@code type}; invalid when it is empty, malformed or does not fit. */
  static <T> T read(Context ctx, Class<T> type) {
    byte[] body = bytes(ctx);
    if (isBlank(body)) {
      throw invalid("request body is empty (expected a JSON object)");
    }
    return parse(body, type);
  }

  /** The body as {@code type}, or {@code whenEmpty} when there is no body. */
  static <T> T readOptional(Context ctx, Class<T> type, T whenEmpty) {
    byte[] body = bytes(ctx);
    return isBlank(body) ? whenEmpty : parse(body, type);
  }

  /** Refuses a declared length that is too large, before anything is read. */
  static void checkDeclaredLength(Context ctx) {
    if (ctx.req().getContentLengthLong() > MAX_BYTES) {
      throw tooLarge();
    }
  }

  private static byte[] bytes(Context ctx) {
    checkDeclaredLength(ctx);
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] b = in.readNBytes(MAX_BYTES + 1);
      if (b.length > MAX_BYTES) {
        throw tooLarge();
      }
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the request body", e);
    }
  }

  private static BodyTooLargeException tooLarge() {
    return new BodyTooLargeException(MAX_BYTES);
  }

  private static InvalidRequestException invalid(String message) {
    return new InvalidRequestException("body", message);
  }

  private static boolean isBlank(byte[] body) {
    return new String(body, StandardCharsets.UTF_8).isBlank();
  }

  private static <T> T parse(byte[] body, Class<T> type) {
    T value;
    try {
      value = ApiJson.MAPPER.readValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidRequestException(path(e), "unknown field '" + path(e) + "'");
    } catch (MismatchedInputException e) {
      if (e.getPath().isEmpty()) {
        throw invalid("request body must be a JSON object");
      }
      throw new InvalidRequestException(
          path(e), "field '" + path(e) + "' must be " + expected(e.getTargetType()));
    } catch (JsonMappingException e) {
      throw new InvalidRequestException(path(e), "invalid request body at '" + path(e) + "'");
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw invalid(
          at == null
              ? "malformed JSON"
              : "malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the request body", e);
    }
    if (value == null) {
      throw invalid("request body must be a JSON object");
    }
    return value;
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static String expected(Class<?> t) {
    if (t == null || JsonNode.class.isAssignableFrom(t)) {
      return "a JSON value";
    }
    if (t == String.class) {
      return "a string";
    }
    if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
      return "an integer";
    }
    if (t == Boolean.class || t == boolean.class) {
      return "true or false";
    }
    if (t.isArray() || Collection.class.isAssignableFrom(t)) {
      return "an array";
    }
    if (t.isEnum()) {
      return "one of "
          + List.of(t.getEnumConstants()).stream()
              .map(c -> c.toString().toLowerCase(java.util.Locale.ROOT))
              .collect(Collectors.joining(", "));
    }
    if (t.isRecord() || Map.class.isAssignableFrom(t)) {
      return "a JSON object";
    }
    return "a value of another type";
  }
}

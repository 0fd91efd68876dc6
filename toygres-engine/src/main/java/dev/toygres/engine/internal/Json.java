package dev.toygres.engine.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.toygres.engine.DurableException;

/** The engine's one JSON mapper: inputs, results, events and history are all JSON text. */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Json() {}

  /** Serializes a value; null becomes the JSON text {@code null}. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new DurableException(
          "cannot serialize " + value.getClass().getName() + " to JSON: " + e.getOriginalMessage(),
          e);
    }
  }

  /** Deserializes JSON text; null text or {@code Void} type gives null. */
  public static <T> T read(String json, Class<T> type) {
    if (json == null || type == Void.class || type == void.class) {
      return null;
    }
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new DurableException(
          "cannot read JSON as " + type.getName() + ": " + e.getOriginalMessage(), e);
    }
  }
}

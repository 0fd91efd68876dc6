package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** Reading fields of API answers and turning JSON values into text for tables. */
final class JsonText {
  private JsonText() {}

  /** The field as text, or null if missing or JSON null. */
  static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() || v.isMissingNode()
        ? null
        : v.isValueNode() ? v.asText() : v.toString();
  }

  /** A JSON value as one line: strings bare, everything else compact JSON; null for null. */
  static String display(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    return v.isTextual() ? v.asText() : v.toString();
  }

  /** Like {@link #display}, cut to {@code max} characters. */
  static String display(JsonNode v, int max) {
    String s = display(v);
    return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }

  /**
   * The DATA argument of {@code orchestrations raise}: JSON if it parses as JSON ({@code 42},
   * {@code true}, {@code "x"}, {@code {"a":1}}), otherwise the text itself as a JSON string. Text
   * that starts like an object or array but does not parse is refused rather than sent as a string,
   * since it was almost certainly meant as JSON.
   */
  static JsonNode parseData(String data) {
    if (data == null) {
      return null;
    }
    String t = data.strip();
    try {
      JsonNode n =
          ApiClient.MAPPER
              .reader()
              .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readTree(t);
      if (n != null && !n.isMissingNode()) {
        return n;
      }
    } catch (JsonProcessingException e) {
      if (t.startsWith("{") || t.startsWith("[")) {
        throw CliException.local(
            "DATA looks like JSON but is not valid JSON: "
                + e.getOriginalMessage()
                + " (quote it for the shell, e.g. '{\"key\": 1}')");
      }
    }
    return TextNode.valueOf(data);
  }
}

package dev.toygres.controlplane.server;

import dev.toygres.controlplane.config.ConfigurationException;
import java.util.Locale;

/** How the server writes its own log: {@code text} lines, or one JSON object per line. */
public enum LogFormat {
  TEXT,
  JSON;

  /**
   * {@code text} or {@code json}, in any case.
   *
   * @throws ConfigurationException for anything else, naming {@code flag} and the values allowed
   */
  public static LogFormat parse(String value, String flag) {
    if (value != null) {
      switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "text":
          return TEXT;
        case "json":
          return JSON;
        default:
          break;
      }
    }
    throw new ConfigurationException(flag + " must be text or json, was '" + value + "'");
  }
}

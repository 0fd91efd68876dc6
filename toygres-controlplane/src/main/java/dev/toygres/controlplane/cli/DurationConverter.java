package dev.toygres.controlplane.cli;

import dev.toygres.controlplane.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads {@code 500ms}, {@code 2s}, {@code 5m} and the like. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Durations.parse(value);
  }
}

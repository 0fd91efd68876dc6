package dev.toygres.controlplane.cli;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code 500ms}, {@code 2s}, {@code 5m} and the like; a bad value is picocli's "Invalid value
 * for option" with what is allowed.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (InvalidRequestException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}

package dev.toygres.controlplane.instance;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.dataplane.DataPlane;
import java.security.SecureRandom;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Validation of what users ask for, with messages that say what is allowed. */
final class InstanceRequests {
  static final int MAX_NAME = 40;
  static final int MIN_PASSWORD = 8;
  static final int MAX_PASSWORD = 128;
  private static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]*[a-z0-9])?");
  private static final Pattern VERSION = Pattern.compile("(\\d{1,3})(\\.\\d{1,3})?");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private InstanceRequests() {}

  static String name(String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidRequestException("name", "name is required");
    }
    if (name.length() > MAX_NAME) {
      throw new InvalidRequestException(
          "name", "name is too long (" + name.length() + " characters; at most " + MAX_NAME + ")");
    }
    if (!NAME.matcher(name).matches()) {
      throw new InvalidRequestException(
          "name",
          "name '"
              + printable(name)
              + "' is not valid: use lower-case letters, digits and"
              + " hyphens, starting with a letter and not ending with a hyphen");
    }
    return name;
  }

  static String password(String password) {
    if (password == null || password.isEmpty()) {
      throw new InvalidRequestException("password", "password is required");
    }
    if (password.length() < MIN_PASSWORD) {
      throw new InvalidRequestException(
          "password", "password is too short: at least " + MIN_PASSWORD + " characters");
    }
    if (password.length() > MAX_PASSWORD) {
      throw new InvalidRequestException(
          "password", "password is too long: at most " + MAX_PASSWORD + " characters");
    }
    if (password.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
      throw new InvalidRequestException("password", "password must not contain control characters");
    }
    return password;
  }

  static int version(String requested, List<Integer> available, int defaultVersion) {
    if (requested == null || requested.isBlank()) {
      return defaultVersion;
    }
    var m = VERSION.matcher(requested.trim());
    int major = m.matches() ? Integer.parseInt(m.group(1)) : -1;
    if (!available.contains(major)) {
      throw new InvalidRequestException(
          "postgres_version",
          "PostgreSQL version '"
              + printable(requested)
              + "' is not available; available: "
              + available.stream().map(String::valueOf).collect(Collectors.joining(", ")));
    }
    return major;
  }

  /**
   * A restored instance runs the major version of its backup; a requested version must be that one.
   */
  static int restoredVersion(String requested, int backupVersion, List<Integer> available) {
    if (!available.contains(backupVersion)) {
      throw new InvalidRequestException(
          "restore.from",
          "the backup is of PostgreSQL "
              + backupVersion
              + ", which this server does not offer; available: "
              + available.stream().map(String::valueOf).collect(Collectors.joining(", ")));
    }
    if (requested == null || requested.isBlank()) {
      return backupVersion;
    }
    var m = VERSION.matcher(requested.trim());
    if (!m.matches() || Integer.parseInt(m.group(1)) != backupVersion) {
      throw new InvalidRequestException(
          "postgres_version",
          "a restore runs the PostgreSQL version of its backup ("
              + backupVersion
              + "), not '"
              + printable(requested)
              + "'");
    }
    return backupVersion;
  }

  static int storage(Integer gb) {
    if (gb == null) {
      return 1;
    }
    if (gb < 1 || gb > 1024) {
      throw new InvalidRequestException(
          "storage_size_gb", "storage_size_gb must be between 1 and 1024, was " + gb);
    }
    return gb;
  }

  /** 0 to {@link DataPlane#MAX_REPLICAS} streaming standbys (0 when null). */
  static int replicas(Integer replicas) {
    if (replicas == null) {
      return 0;
    }
    if (replicas < 0 || replicas > DataPlane.MAX_REPLICAS) {
      throw new InvalidRequestException(
          "replicas",
          "replicas must be between 0 and " + DataPlane.MAX_REPLICAS + ", was " + replicas);
    }
    return replicas;
  }

  /** Synchronous replication needs a standby to wait for. */
  static boolean synchronous(Boolean synchronous, int replicas) {
    if (Boolean.TRUE.equals(synchronous) && replicas < 1) {
      throw new InvalidRequestException(
          "synchronous", "synchronous replication needs at least one replica (replicas >= 1)");
    }
    return Boolean.TRUE.equals(synchronous);
  }

  static int limit(int limit) {
    if (limit < 1 || limit > 1000) {
      throw new InvalidRequestException("limit", "limit must be between 1 and 1000, was " + limit);
    }
    return limit;
  }

  /** {@code name-xxxxxx}: unique per instance, so a re-created name never meets old resources. */
  static String k8sName(String name) {
    StringBuilder b = new StringBuilder(name).append('-');
    for (int i = 0; i < 6; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  private static String printable(String s) {
    String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    return cut.replaceAll("[\\p{Cntrl}]", "?");
  }
}

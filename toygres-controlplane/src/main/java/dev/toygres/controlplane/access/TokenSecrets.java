package dev.toygres.controlplane.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API token secrets: {@code tgr_} and 64 hex digits (32 bytes from {@link SecureRandom}), kept only
 * as their SHA-256. A plain digest is enough for secrets with 256 bits of entropy: nobody can guess
 * one from its digest, and lookups by digest reveal nothing through timing.
 */
public final class TokenSecrets {
  public static final String PREFIX = "tgr_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenSecrets() {}

  /** A fresh secret. */
  public static String generate() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return PREFIX + HexFormat.of().formatHex(raw);
  }

  /** The SHA-256 of a secret's UTF-8 bytes. */
  public static byte[] hash(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

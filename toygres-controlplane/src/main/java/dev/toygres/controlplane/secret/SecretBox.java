package dev.toygres.controlplane.secret;

import dev.toygres.controlplane.config.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM. The key comes from {@code TOYGRES_SECRET_KEY} (base64
 * of 32 bytes) or from {@code <data-dir>/secret.key}, created with mode 0600 on first use.
 * Ciphertext is {@code v1:<base64(iv || ciphertext+tag)>}. Neither the key nor anything derived
 * from it but {@link #fingerprint()} ever leaves this class.
 */
public final class SecretBox {
  private static final String PREFIX = "v1:";
  private static final String ENV = "TOYGRES_SECRET_KEY";
  private static final byte[] FINGERPRINT_LABEL =
      "toygres secret-key fingerprint v1".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec key;
  private final String source;

  private SecretBox(byte[] key, String source) {
    if (key.length != 32) {
      throw new ConfigurationException(
          "the secret key from "
              + source
              + " must be 32 bytes (base64 of 32 random bytes), was "
              + key.length
              + " bytes");
    }
    this.key = new SecretKeySpec(key, "AES");
    this.source = source;
  }

  /**
   * A box with the key from {@code envKey} (if set and not blank) or the key file (created if
   * absent).
   *
   * @throws ConfigurationException if the key is not base64 of 32 bytes; the message names where it
   *     came from and never contains it
   */
  public static SecretBox load(String envKey, Path keyFile) throws IOException {
    if (envKey != null && !envKey.isBlank()) {
      return new SecretBox(decode(envKey, ENV), ENV);
    }
    String fileSource = keyFile.toString();
    if (Files.exists(keyFile)) {
      return new SecretBox(decode(Files.readString(keyFile), fileSource), fileSource);
    }
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    Files.createDirectories(keyFile.getParent());
    Path tmp =
        Files.createTempFile(
            keyFile.getParent(),
            ".secret-",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(
          tmp, Base64.getEncoder().encodeToString(k) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
      // A hard link fails if the key file exists, so of two processes starting at once exactly one
      // key wins and both use it.
      Files.createLink(keyFile, tmp);
    } catch (java.nio.file.FileAlreadyExistsException raced) {
      return new SecretBox(decode(Files.readString(keyFile), fileSource), fileSource);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new SecretBox(k, fileSource);
  }

  private static byte[] decode(String base64, String source) {
    try {
      return Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      // The decoder's message quotes a character of the key, so it is not passed on.
      throw new ConfigurationException(
          "the secret key from " + source + " is not valid base64 (of 32 random bytes)");
    }
  }

  /** A box for a given key (tests). */
  public static SecretBox of(byte[] key) {
    return new SecretBox(key.clone(), "a given key");
  }

  /**
   * Where the key came from, for messages: {@code TOYGRES_SECRET_KEY} or the key file's path. Never
   * the key.
   */
  public String source() {
    return source;
  }

  /**
   * A fingerprint of the key that reveals nothing about it: the first 16 bytes, in hex, of
   * HMAC-SHA256 keyed with the key over a fixed label. The same key always gives the same
   * fingerprint; two keys give different ones.
   */
  public String fingerprint() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(FINGERPRINT_LABEL), 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  public String encrypt(String plain) {
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[iv.length + ct.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(ct, 0, out, iv.length, ct.length);
      return PREFIX + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  /** Decrypts; throws {@link SecretException} if the text was not made with this key. */
  public String decrypt(String sealed) {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw new SecretException("not an encrypted secret");
    }
    try {
      byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
      return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new SecretException(
          "cannot decrypt a stored secret: the secret key from "
              + source
              + " is not the one it was encrypted with");
    }
  }
}

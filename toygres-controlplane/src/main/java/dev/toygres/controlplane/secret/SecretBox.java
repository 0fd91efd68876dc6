package dev.toygres.controlplane.secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM. The key comes from {@code TOYGRES_SECRET_KEY} (base64
 * of 32 bytes) or from {@code <data-dir>/secret.key}, created with mode 0600 on first use.
 * Ciphertext is {@code v1:<base64(iv || ciphertext+tag)>}.
 */
public final class SecretBox {
  private static final String PREFIX = "v1:";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec key;

  private SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException(
          "secret key must be 32 bytes (base64 of 32 random bytes), was " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  /** A box with the key from {@code envKey} (if set) or the key file (created if absent). */
  public static SecretBox load(String envKey, Path keyFile) throws IOException {
    if (envKey != null && !envKey.isBlank()) {
      try {
        return new SecretBox(Base64.getDecoder().decode(envKey.trim()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("TOYGRES_SECRET_KEY is not valid: " + e.getMessage(), e);
      }
    }
    if (Files.exists(keyFile)) {
      return new SecretBox(Base64.getDecoder().decode(Files.readString(keyFile).trim()));
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
      return new SecretBox(Base64.getDecoder().decode(Files.readString(keyFile).trim()));
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new SecretBox(k);
  }

  /** A box for a given key (tests). */
  public static SecretBox of(byte[] key) {
    return new SecretBox(key.clone());
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

  /** Decrypts; throws {@link IllegalStateException} if the text was not made with this key. */
  public String decrypt(String sealed) {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw new IllegalStateException("not an encrypted secret");
    }
    try {
      byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
      return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot decrypt a stored secret: the secret key (TOYGRES_SECRET_KEY or <data-dir>/secret.key) is not the one it was encrypted with");
    }
  }
}

package dev.toygres.controlplane.server;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.Settings;
import dev.toygres.controlplane.config.ConfigurationException;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.controlplane.secret.SecretException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the server's secret key is the one the database's secrets were sealed with, at start
 * rather than at the first decryption. The database keeps the key's {@link SecretBox#fingerprint()}
 * (never the key): the first server to start stores its own, every later one must match it.
 */
final class SecretKeyCheck {
  private static final Logger LOG = LoggerFactory.getLogger(SecretKeyCheck.class);

  private SecretKeyCheck() {}

  /**
   * Stores the key's fingerprint if the database has none (after checking that the key opens the
   * newest stored password, for databases sealed before fingerprints were kept), else compares.
   *
   * @throws ConfigurationException if the key is not the one the stored secrets were sealed with
   */
  static void verify(SecretBox key, Path keyFile, Settings settings, CmsStore cms) {
    String mine = key.fingerprint();
    Optional<String> stored = settings.get(Settings.SECRET_KEY_FINGERPRINT);
    if (stored.isEmpty()) {
      if (!opensNewestSecret(key, cms)) {
        throw mismatch(key, keyFile);
      }
      stored = Optional.of(settings.putIfAbsent(Settings.SECRET_KEY_FINGERPRINT, mine));
      LOG.info("secret key fingerprint recorded in the database");
    }
    if (!stored.get().equals(mine)) {
      throw mismatch(key, keyFile);
    }
  }

  private static boolean opensNewestSecret(SecretBox key, CmsStore cms) {
    Optional<String> sealed = cms.newestSealedPassword();
    if (sealed.isEmpty()) {
      return true;
    }
    try {
      key.decrypt(sealed.get());
      return true;
    } catch (SecretException e) {
      return false;
    }
  }

  private static ConfigurationException mismatch(SecretBox key, Path keyFile) {
    return new ConfigurationException(
        "the secret key from "
            + key.source()
            + " is not the one the secrets in this database were sealed with. Restore the original"
            + " key, then start again: copy secret.key back to "
            + keyFile
            + " from a backup, or set TOYGRES_SECRET_KEY to its original value. If the original key is truly lost, the"
            + " stored instance secrets (the instances' passwords) cannot be recovered.");
  }
}

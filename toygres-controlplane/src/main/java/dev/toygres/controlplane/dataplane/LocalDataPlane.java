package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.ToygresException;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresInstallations;
import dev.toygres.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local data plane: every instance is a PostgreSQL server process on 127.0.0.1, with its own
 * directory {@code <instancesRoot>/<k8sName>/} holding {@code pgdata/}, {@code postgres.log} and
 * {@code instance.json} (major version, port, admin user). Servers outlive this object and its JVM;
 * a new one on the same directory finds them again. Thread-safe: operations on one name are
 * serialized (also across instances of this class in one JVM).
 */
public final class LocalDataPlane implements DataPlane {

  private static final Logger LOG = LoggerFactory.getLogger(LocalDataPlane.class);

  private final Path root;
  private final VersionCatalog versions;
  private final Provisioner provisioner;

  /**
   * Creates a local data plane with every PostgreSQL installation found on this machine.
   *
   * @param instancesRoot the directory holding one directory per instance (created when needed)
   * @param portRangeStart first port instances may listen on
   * @param portRangeEnd last port instances may listen on
   * @throws ToygresException if no PostgreSQL installation is found
   */
  public LocalDataPlane(Path instancesRoot, int portRangeStart, int portRangeEnd) {
    this(instancesRoot, portRangeStart, portRangeEnd, PostgresInstallations.discover());
  }

  LocalDataPlane(Path root, int first, int last, List<PostgresInstallation> installations) {
    this.root = root.toAbsolutePath().normalize();
    this.versions = new VersionCatalog(installations);
    this.provisioner = new Provisioner(new PortAllocator(this.root, first, last));
  }

  /**
   * Creates the local data plane of a server configuration: instances in {@code
   * <dataDir>/instances}, ports from the configured range.
   *
   * @param config the server configuration
   * @return the data plane
   */
  public static LocalDataPlane fromConfig(ServerConfig config) {
    return new LocalDataPlane(
        config.dataDir().resolve("instances"), config.portRangeStart(), config.portRangeEnd());
  }

  @Override
  public String kind() {
    return "local";
  }

  @Override
  public List<Integer> availableVersions() {
    return versions.versions();
  }

  @Override
  public int defaultVersion() {
    return versions.defaultVersion();
  }

  /**
   * {@inheritDoc} Idempotent: an instance provisioned earlier (with the same version and admin
   * user, else 409) is started if needed and returned; its data is never touched. An unknown
   * version is a 400 listing the available ones.
   */
  @Override
  public ServerInfo provision(ProvisionSpec spec) {
    InstanceDir dir = InstanceNames.dir(root, spec.k8sName());
    PostgresInstallation inst = versions.require(spec.majorVersion());
    Provisioner.validate(spec);
    synchronized (InstanceNames.lock(dir)) {
      Optional<InstanceMetadata> existing =
          dir.readMetadata().filter(InstanceMetadata::initialized);
      if (existing.isPresent()) {
        InstanceMetadata meta = existing.get().requireMatches(spec);
        return startLocked(dir, meta);
      }
      dir.refuseUnrecordedCluster();
      Provisioner.Provisioned done = provisioner.provision(dir, spec, inst);
      return info(dir, done.metadata(), done.server().pid());
    }
  }

  /** {@inheritDoc} Finds a server started by an earlier process; 404 if not provisioned. */
  @Override
  public ServerInfo start(String k8sName) {
    InstanceDir dir = InstanceNames.dir(root, k8sName);
    synchronized (InstanceNames.lock(dir)) {
      return startLocked(dir, dir.requireProvisioned(k8sName));
    }
  }

  /**
   * {@inheritDoc} Fast shutdown; works for a server started by an earlier process. 404 if there is
   * no such instance.
   */
  @Override
  public void stop(String k8sName) {
    InstanceDir dir = InstanceNames.dir(root, k8sName);
    synchronized (InstanceNames.lock(dir)) {
      if (dir.readMetadata().isEmpty()) {
        throw ToygresException.notFound("No provisioned instance '" + k8sName + "'");
      }
      InstanceServers.stop(dir, k8sName);
    }
  }

  /** {@inheritDoc} Removes the instance directory; does nothing if it is missing. */
  @Override
  public void deprovision(String k8sName) {
    InstanceDir dir = InstanceNames.dir(root, k8sName);
    synchronized (InstanceNames.lock(dir)) {
      InstanceServers.stop(dir, k8sName);
      dir.delete();
    }
    LOG.info("Deprovisioned instance '{}'", k8sName);
  }

  @Override
  public Optional<ServerInfo> status(String k8sName) {
    InstanceDir dir = InstanceNames.dir(root, k8sName);
    return dir.readMetadata()
        .filter(InstanceMetadata::initialized)
        .map(m -> info(dir, m, InstanceServers.running(dir).map(PostgresServer::pid).orElse(null)));
  }

  /**
   * Lists the instance directories on disk, including ones whose provisioning did not finish (so
   * that they can be cleaned up with {@link #deprovision(String)}).
   *
   * @return the k8s names, sorted
   */
  public List<String> provisioned() {
    return InstanceNames.list(root);
  }

  /**
   * Returns the directory holding one directory per instance.
   *
   * @return the absolute instances root
   */
  public Path instancesRoot() {
    return root;
  }

  private ServerInfo startLocked(InstanceDir dir, InstanceMetadata meta) {
    Optional<PostgresServer> running = InstanceServers.running(dir);
    if (running.isPresent()) {
      return info(dir, meta, running.get().pid());
    }
    dir.requireCluster(meta.name());
    PostgresInstallation inst = versions.forExisting(meta.name(), meta.majorVersion());
    PostgresServer server = InstanceServers.startExisting(dir, meta, inst);
    LOG.info("Started instance '{}' on port {}, pid {}", meta.name(), meta.port(), server.pid());
    return info(dir, meta, server.pid());
  }

  private ServerInfo info(InstanceDir dir, InstanceMetadata meta, Long pid) {
    String version =
        versions
            .find(meta.majorVersion())
            .map(PostgresInstallation::version)
            .orElse(String.valueOf(meta.majorVersion()));
    return new ServerInfo(PostgresServer.HOST, meta.port(), dir.dataDir(), pid, version);
  }
}

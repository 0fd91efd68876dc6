package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresServer;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a new instance: reserves a port (recorded in {@code instance.json}), runs initdb with the
 * control plane's superuser, starts the server as the layout's OS user, creates the tenant's and
 * the control plane's roles and installs the managed pg_hba.conf, then marks the instance
 * initialized. The caller holds the instance's lock.
 */
final class Provisioner {

  private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);
  private static final int PORT_ATTEMPTS = 3;

  private final PortAllocator ports;
  private final InstanceLayout layout;
  private final Archiving archiving;

  Provisioner(PortAllocator ports, InstanceLayout layout, Archiving archiving) {
    this.ports = ports;
    this.layout = layout;
    this.archiving = archiving;
  }

  /**
   * Checks the tenant's user name and password before anything is created.
   *
   * @throws InvalidRequestException if PostgreSQL would not accept them
   */
  static void validate(ProvisionSpec spec) {
    ControlRoles.tenantUser(spec.tenantUser());
    try {
      PostgresServer.builder().password(spec.tenantPassword());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "password", "Cannot provision " + spec + ": " + e.getMessage());
    }
  }

  /**
   * Provisions {@code spec} in {@code dir} from scratch. Anything left by an earlier attempt that
   * never finished (no user data: the instance was never handed out) is wiped first. If the chosen
   * port is taken between choosing and binding, retries with another.
   *
   * @return the initialized metadata and the started server
   */
  Provisioned provision(InstanceDir dir, ProvisionSpec spec, PostgresInstallation inst) {
    for (int attempt = 1; ; attempt++) {
      InstanceServers.stop(dir, spec.k8sName());
      dir.deleteDataDir();
      InstanceMetadata meta = ports.allocate(spec.k8sName(), port -> reserve(dir, spec, port));
      try {
        // Archiving from the first start: on the command line now, in postgresql.auto.conf (which
        // initdb has just made) for every later start.
        PostgresServer server =
            InstanceServers.start(
                dir,
                meta,
                inst,
                layout,
                spec.secrets().superuserPassword(),
                archiving.settings(spec.k8sName()));
        archiving.write(dir.dataDir(), spec.k8sName());
        archiving.prepare(spec.k8sName(), spec.majorVersion(), systemIdentifier(dir));
        InstanceAccess.secureNew(dir, meta, layout, spec);
        InstanceMetadata done = meta.asInitialized();
        dir.writeMetadata(done);
        LOG.info(
            "Provisioned instance '{}': PostgreSQL {} on 127.0.0.1:{}, pid {}",
            meta.name(),
            inst.version(),
            meta.port(),
            server.pid());
        return new Provisioned(done, server);
      } catch (DataPlaneException e) {
        if (attempt >= PORT_ATTEMPTS || !InstanceServers.portTaken(e)) {
          throw e;
        }
        LOG.info(
            "Port {} was taken before instance '{}' could bind it; choosing another",
            meta.port(),
            meta.name());
      }
    }
  }

  /** A freshly provisioned instance. */
  record Provisioned(InstanceMetadata metadata, PostgresServer server) {}

  /** The cluster's system identifier (from {@code global/pg_control}), or null if unreadable. */
  static String systemIdentifier(InstanceDir dir) {
    try {
      return Long.toUnsignedString(PgControl.systemIdentifier(dir.dataDir()));
    } catch (java.io.IOException e) {
      return null;
    }
  }

  static InstanceMetadata reserve(InstanceDir dir, ProvisionSpec spec, int port) {
    InstanceMetadata meta =
        new InstanceMetadata(
            spec.k8sName(),
            spec.majorVersion(),
            port,
            ControlRoles.SUPERUSER,
            false,
            Instant.now().toString(),
            spec.tenantUser(),
            InstanceMetadata.ACCESS_VERSION);
    dir.writeMetadata(meta);
    return meta;
  }
}

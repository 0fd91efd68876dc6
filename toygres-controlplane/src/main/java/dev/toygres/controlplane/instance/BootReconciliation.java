package dev.toygres.controlplane.instance;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.dataplane.ServerInfo;
import dev.toygres.engine.client.DurableClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server does as it starts, like a kubelet after a reboot: every instance the CMS records as
 * {@code running} whose server is provisioned on the local data plane but not running is started
 * again, each by a {@link LifecycleOrchestrations#START_AFTER_BOOT} orchestration with a fixed id
 * per instance ({@code start-after-boot-<k8s name>}), so that servers booting at once start it
 * once. The orchestration starts the server only if the instance is still recorded running and its
 * server still does not run, records it and writes a {@code server_started_after_boot} event.
 * Instances {@code stopped}, {@code creating}, {@code deleting} or {@code failed} are never
 * touched.
 */
public final class BootReconciliation {
  private static final Logger LOG = LoggerFactory.getLogger(BootReconciliation.class);
  private final CmsStore cms;
  private final DataPlane dataPlane;
  private final DurableClient engine;

  public BootReconciliation(CmsStore cms, DataPlane dataPlane, DurableClient engine) {
    this.cms = Objects.requireNonNull(cms, "cms");
    this.dataPlane = Objects.requireNonNull(dataPlane, "dataPlane");
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /** The id of the orchestration that starts an instance's server again. */
  static String startAfterBootId(InstanceRecord r) {
    return "start-after-boot-" + r.k8sName();
  }

  /**
   * Starts the start-after-boot orchestration of every running instance whose server does not run;
   * returns the names of the instances it started one for. An instance that cannot be looked at is
   * logged and skipped (its actor reports it unhealthy).
   */
  public List<String> run() {
    List<String> starting = new ArrayList<>();
    for (InstanceRecord r : cms.listRunning()) {
      try {
        Optional<ServerInfo> s = dataPlane.status(r.k8sName());
        if (s.isEmpty()) {
          LOG.warn("instance {} is recorded running but is not provisioned here", r.userName());
        } else if (s.get().pid() == null
            && engine.startIfNotRunning(
                LifecycleOrchestrations.START_AFTER_BOOT, startAfterBootId(r), r.id())) {
          starting.add(r.userName());
        }
      } catch (RuntimeException e) {
        LOG.warn("could not start again the server of instance {}: {}", r.userName(), e.toString());
      }
    }
    if (!starting.isEmpty()) {
      LOG.info(
          "starting the servers of {} instances recorded running: {}", starting.size(), starting);
    }
    return starting;
  }
}

package dev.toygres.controlplane.failover;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.Members;
import dev.toygres.controlplane.dataplane.ControlSecrets;
import dev.toygres.controlplane.dataplane.Member;
import dev.toygres.controlplane.secret.SecretBox;
import java.util.List;

/**
 * Recording an instance's servers, as the data plane sees them, in the CMS's members (role, port,
 * pid, data directory, slot), and the control plane's secrets of an instance.
 */
public final class MemberRecords {
  private MemberRecords() {}

  /** Records every server in {@code members} (insert or replace by ordinal). */
  public static void record(CmsStore cms, InstanceRecord r, List<Member> members) {
    for (Member m : members) {
      cms.members()
          .upsert(
              new Members.Row(
                  r.id(),
                  m.ordinal(),
                  m.role(),
                  m.name(),
                  m.port(),
                  m.pid(),
                  m.dataDir() == null ? null : m.dataDir().toString(),
                  m.slot(),
                  m.pid() == null ? "stopped" : "running"));
    }
  }

  /** The control plane's superuser and monitoring passwords of {@code r}, decrypted. */
  public static ControlSecrets control(InstanceRecord r, SecretBox secrets) {
    return new ControlSecrets(
        secrets.decrypt(r.access().superuserPasswordSealed()),
        secrets.decrypt(r.access().monitorPasswordSealed()));
  }
}

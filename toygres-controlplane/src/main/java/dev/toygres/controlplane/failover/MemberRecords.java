package dev.toygres.controlplane.failover;

import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.Members;
import dev.toygres.controlplane.dataplane.ControlSecrets;
import dev.toygres.controlplane.dataplane.Member;
import dev.toygres.controlplane.secret.SecretBox;
import java.util.List;
import java.util.UUID;

/**
 * Recording an instance's servers, as the data plane sees them, in the CMS's members (role, port,
 * pid, data directory, slot); loading an instance and its control-plane secrets for a step.
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

  /** The instance {@code id} as the CMS has it; {@link NotFoundException} if it is gone. */
  public static InstanceRecord load(CmsStore cms, UUID id) {
    return cms.findById(id)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "instance", id.toString(), "instance " + id + " is not in the CMS"));
  }

  /** The control plane's superuser and monitoring passwords of {@code r}, decrypted. */
  public static ControlSecrets control(InstanceRecord r, SecretBox secrets) {
    return new ControlSecrets(
        secrets.decrypt(r.access().superuserPasswordSealed()),
        secrets.decrypt(r.access().monitorPasswordSealed()));
  }
}

package dev.toygres.controlplane.dataplane;

import dev.toygres.postgres.PostgresServer;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link Member} view of an instance's servers, read live: the primary's {@code
 * pg_stat_replication} for each standby's lag, each server's own timeline and, for a standby,
 * whether it streams. A fenced server is a {@code standby} (or the {@code primary} it still is
 * until a promotion) with health {@code fenced}; a removed one is not listed.
 */
final class Members {
  static final String FENCED = "fenced";

  private final InstanceLayout layout;

  Members(InstanceLayout layout) {
    this.layout = layout;
  }

  /** Primary first, then the others by ordinal. */
  List<Member> list(Topology t, ControlSecrets secrets) {
    Server p = t.primary();
    Long pid = pid(p);
    MemberProbe.Primary view =
        pid == null || secrets == null
            ? null
            : MemberProbe.primary(
                layout.socketDir(p.name()), p.metadata().port(), secrets.monitorPassword());
    String health =
        t.isFenced(p.ordinal())
            ? FENCED
            : pid == null ? "stopped" : view == null ? "unreachable" : "healthy";
    List<Member> out = new ArrayList<>();
    out.add(
        new Member(
            Member.PRIMARY,
            p.name(),
            p.ordinal(),
            PostgresServer.HOST,
            p.metadata().port(),
            pid,
            p.dir().dataDir(),
            null,
            health,
            null,
            null,
            view == null ? null : view.timeline()));
    for (Server s : t.others()) {
      out.add(standby(t, s, view, secrets));
    }
    return out;
  }

  /** Server {@code s} as a member, without the primary's view of it (no lag). */
  Member of(Topology t, Server s, ControlSecrets secrets) {
    if (t.isPrimary(s.ordinal())) {
      return list(t, secrets).get(0);
    }
    return standby(t, s, null, secrets);
  }

  private Member standby(Topology t, Server s, MemberProbe.Primary view, ControlSecrets secrets) {
    InstanceMetadata m = s.metadata();
    Long pid = pid(s);
    boolean fenced = t.isFenced(s.ordinal());
    MemberProbe.Standby own =
        pid == null || secrets == null || fenced
            ? null
            : MemberProbe.standby(layout.socketDir(m.name()), m.port(), secrets.monitorPassword());
    MemberProbe.Streaming streaming = view == null ? null : view.standbys().get(s.slot());
    String health =
        fenced
            ? FENCED
            : pid == null
                ? "stopped"
                : secrets == null
                    ? "starting"
                    : own == null ? "unreachable" : own.streaming() ? "healthy" : "not streaming";
    return new Member(
        Member.STANDBY,
        m.name(),
        s.ordinal(),
        PostgresServer.HOST,
        m.port(),
        pid,
        s.dir().dataDir(),
        s.slot(),
        health,
        streaming == null ? null : streaming.lagBytes(),
        streaming == null ? null : streaming.lagSeconds(),
        own == null ? null : own.timeline());
  }

  private static Long pid(Server s) {
    return InstanceServers.running(s.dir()).map(PostgresServer::pid).orElse(null);
  }
}

package dev.toygres.controlplane.api;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.cms.AuditLog;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/** {@code GET /api/audit?limit=&cursor=}: the audit log, newest first, a page at a time. */
final class AuditHandlers {
  static final int DEFAULT_LIMIT = 50;

  private final AuditLog audit;

  AuditHandlers(AuditLog audit) {
    this.audit = audit;
  }

  /** One row of the audit log. */
  record RowView(
      long id,
      Instant at,
      String actor,
      String action,
      String target,
      String result,
      Integer status,
      String detail) {
    static RowView of(AuditLog.Row r) {
      return new RowView(
          r.id(), r.at(), r.actor(), r.action(), r.target(), r.result(), r.status(), r.detail());
    }
  }

  /** A page; {@code nextCursor} (the last id on it) is null on the last page. */
  record PageView(List<RowView> items, String nextCursor) {}

  void list(Context ctx) {
    int limit = Params.limit(ctx, DEFAULT_LIMIT);
    Long cursor = cursor(ctx.queryParam("cursor"));
    if (audit == null) {
      ctx.json(new PageView(List.of(), null));
      return;
    }
    AuditLog.Page page = audit.page(limit, cursor);
    ctx.json(
        new PageView(
            page.items().stream().map(RowView::of).toList(),
            page.nextCursor() == null ? null : Long.toString(page.nextCursor())));
  }

  /** The {@code cursor} parameter: the id of the last row seen (a positive integer), or null. */
  static Long cursor(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      long id = Long.parseLong(raw.trim());
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new InvalidRequestException(
        "cursor", "cursor must be a positive integer: the next_cursor of the previous page");
  }
}

package dev.toygres.controlplane.api;

import io.javalin.http.Context;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** {@code GET /health}: public; 200 once the server accepts work, 503 until then. */
final class HealthHandler {
  private final BooleanSupplier ready;

  HealthHandler(BooleanSupplier ready) {
    this.ready = ready;
  }

  void get(Context ctx) {
    boolean ok;
    try {
      ok = ready.getAsBoolean();
    } catch (RuntimeException e) {
      ok = false;
    }
    if (ok) {
      ctx.json(Map.of("status", "ok"));
    } else {
      ctx.status(503).json(Map.of("status", "starting"));
    }
  }
}

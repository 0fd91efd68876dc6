package dev.toygres.bench.fleet;

import dev.toygres.controlplane.actor.ActorService;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The fleet's instances and actors: N instances registered in the CMS as the create orchestration
 * leaves them (running, on a probe endpoint chosen round-robin, passwords sealed), then one actor
 * each, started as the API starts one. Both 8 at a time; both return their time in seconds.
 */
final class FleetPopulation {
  private final FleetEnvironment env;
  private final int n;
  private final PrintStream log;

  FleetPopulation(FleetEnvironment env, int n, PrintStream log) {
    this.env = env;
    this.n = n;
    this.log = log;
  }

  double register(CmsStore cms) throws Exception {
    long t = System.nanoTime();
    List<Callable<Void>> work = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = String.format(Locale.ROOT, "fleet-%05d", i);
      ProbeEndpoint target = env.endpoints().get(i % env.endpoints().size());
      work.add(
          () -> {
            registerOne(cms, name, target);
            return null;
          });
    }
    inParallel(work);
    double secs = (System.nanoTime() - t) / 1e9;
    log.printf(Locale.ROOT, "bench-fleet: %,d instances registered in %.1f s%n", n, secs);
    return secs;
  }

  private void registerOne(CmsStore cms, String name, ProbeEndpoint target) {
    UUID id = UUID.randomUUID();
    cms.insert(
        new CmsStore.NewInstance(
            id,
            name,
            name,
            Integer.toString(env.postgresMajor()),
            1,
            "postgres",
            null,
            env.secrets().encrypt(env.targetPassword()),
            env.secrets().encrypt(env.targetPassword()),
            null));
    cms.transition(
        id,
        EnumSet.of(InstanceState.CREATING),
        InstanceState.RUNNING,
        "registered by the fleet benchmark");
    cms.setServer(
        id,
        target.host(),
        target.port(),
        target.dataDir().toString(),
        target.socketDir().toString(),
        target.pid());
  }

  /** Starts one actor per live instance, as the API's actor start does (ActorService.launch). */
  double launch(CmsStore cms, ActorService actors) throws Exception {
    long t = System.nanoTime();
    List<Callable<Void>> work = new ArrayList<>(n);
    for (InstanceRecord r : cms.listLive()) {
      work.add(
          () -> {
            actors.launch(r, null, "actor started by the fleet benchmark");
            return null;
          });
    }
    inParallel(work);
    double secs = (System.nanoTime() - t) / 1e9;
    log.printf(Locale.ROOT, "bench-fleet: %,d actors started in %.1f s%n", n, secs);
    return secs;
  }

  private static void inParallel(List<Callable<Void>> work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (Future<Void> f : pool.invokeAll(work)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

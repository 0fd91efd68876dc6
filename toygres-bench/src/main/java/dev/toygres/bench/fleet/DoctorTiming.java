package dev.toygres.bench.fleet;

import dev.toygres.controlplane.actor.ActorDoctor;
import dev.toygres.controlplane.actor.DoctorReport;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.engine.DurableEngine;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.store.PostgresStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Times the doctor over the whole fleet, as the API and the supervisor call it, with its statements
 * counted: first while the fleet runs, then again once the worker has stopped (the same work on an
 * idle machine).
 */
final class DoctorTiming {
  private final AtomicLong statements = new AtomicLong();
  private final ActorDoctor doctor;
  private final int runs;
  private double busyMedianMs = Double.NaN;
  private long queries;
  private Map<String, Integer> diagnoses = Map.of();

  DoctorTiming(DurableEngine engine, Duration staleAfter, int runs) {
    DataSource counted = CountingDataSource.wrap(engine.dataSource(), statements);
    this.doctor =
        new ActorDoctor(
            new CmsStore(counted),
            new DurableClient(new PostgresStore(counted, engine.store().schema())),
            staleAfter,
            Instant::now);
    this.runs = runs;
  }

  /** Runs the doctor while the fleet runs; keeps the median, statements per run and diagnoses. */
  void whileBusy() {
    double[] ms = new double[runs];
    DoctorReport report = null;
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      report = doctor.diagnose();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    busyMedianMs = Lateness.median(ms);
    queries = statements.get() / runs;
    Map<String, Integer> found = new TreeMap<>();
    report.counts().forEach((d, c) -> found.put(d.label(), c));
    diagnoses = found;
  }

  /** Runs it again (the worker stopped) and returns all the doctor's figures. */
  FleetResult.Doctor thenIdle() {
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      doctor.diagnose();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    return new FleetResult.Doctor(busyMedianMs, Lateness.median(ms), queries, diagnoses);
  }
}

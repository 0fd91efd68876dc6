package dev.toygres.controlplane.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The standard Micrometer binders of the server's own process (docs/metrics.md#the-server-process):
 * JVM memory, garbage collection, threads, class loading, CPU, open files and uptime ({@code
 * jvm_*}, {@code process_*}, {@code system_*}). The connection pool's {@code hikaricp_*} come from
 * the pool itself. {@link #close()} stops listening to the garbage collector.
 */
final class RuntimeMetrics implements AutoCloseable {
  private final JvmGcMetrics gc;

  private RuntimeMetrics(JvmGcMetrics gc) {
    this.gc = gc;
  }

  static RuntimeMetrics bind(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return new RuntimeMetrics(gc);
  }

  @Override
  public void close() {
    gc.close();
  }
}

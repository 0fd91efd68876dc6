package dev.toygres.controlplane.api;

import dev.toygres.controlplane.actor.ActorOperations;
import dev.toygres.controlplane.actor.ActorRecovery;
import dev.toygres.controlplane.actor.Diagnosis;
import dev.toygres.controlplane.actor.DoctorOperations;
import dev.toygres.controlplane.actor.DoctorReport;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.actor.Initiator;
import dev.toygres.controlplane.actor.RecoveryOperations;
import dev.toygres.controlplane.cms.HealthCheck;
import dev.toygres.controlplane.cms.InstanceEvent;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.RecentCheck;
import dev.toygres.controlplane.instance.InstanceOperations;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.store.PostgresStore;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Services for tests of what the API must decide on its own (auth, routing, parsing, validation):
 * every call fails and is counted, so a test shows that a bad request never reached a service. The
 * engine client's database refuses every connection for the same reason. These are not stand-ins
 * for the real services: tests of the routes' successful paths run against the real ones.
 */
final class ThrowingServices {
  static final String MESSAGE = "a service was called by a request the API should have refused";
  final AtomicInteger calls = new AtomicInteger();
  private volatile Function<String, RuntimeException> failure = IllegalStateException::new;

  /** Makes every call fail with {@code failure} (given {@link #MESSAGE}) instead. */
  void failWith(Function<String, RuntimeException> failure) {
    this.failure = failure;
  }

  RuntimeException called() {
    calls.incrementAndGet();
    return failure.apply(MESSAGE);
  }

  DurableClient engine() {
    DataSource noDatabase =
        (DataSource)
            Proxy.newProxyInstance(
                DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                  throw called();
                });
    return new DurableClient(new PostgresStore(noDatabase, PostgresStore.DEFAULT_SCHEMA));
  }

  InstanceOperations instances() {
    return new Instances();
  }

  ActorOperations actors() {
    return new Actors();
  }

  DoctorOperations doctor() {
    return new Doctor();
  }

  RecoveryOperations recovery() {
    return new Recovery();
  }

  private final class Instances implements InstanceOperations {
    @Override
    public CreateResult create(CreateRequest request) {
      throw called();
    }

    @Override
    public InstanceRecord get(String name) {
      throw called();
    }

    @Override
    public List<InstanceRecord> list() {
      throw called();
    }

    @Override
    public String delete(String name) {
      throw called();
    }

    @Override
    public String stop(String name) {
      throw called();
    }

    @Override
    public String start(String name) {
      throw called();
    }

    @Override
    public String restart(String name) {
      throw called();
    }

    @Override
    public PasswordChange changePassword(String name, String password) {
      throw called();
    }

    @Override
    public List<HealthCheck> healthChecks(String name, int limit) {
      throw called();
    }

    @Override
    public List<InstanceEvent> events(String name, int limit) {
      throw called();
    }

    @Override
    public Map<UUID, List<RecentCheck>> recentChecks(int perInstance) {
      throw called();
    }

    @Override
    public String maskedConnectionString(InstanceRecord instance) {
      throw called();
    }

    @Override
    public String scale(String name, Integer replicas) {
      throw called();
    }

    @Override
    public String switchover(String name, String to) {
      throw called();
    }

    @Override
    public List<dev.toygres.controlplane.dataplane.Member> members(InstanceRecord instance) {
      throw called();
    }

    @Override
    public String maskedReadOnlyConnectionString(InstanceRecord instance) {
      throw called();
    }

    @Override
    public List<Integer> availableVersions() {
      throw called();
    }
  }

  private final class Actors implements ActorOperations {
    @Override
    public ActorResult start(String name) {
      throw called();
    }

    @Override
    public ActorResult restart(String name) {
      throw called();
    }

    @Override
    public ActorResult cancel(String name) {
      throw called();
    }
  }

  private final class Doctor implements DoctorOperations {
    @Override
    public Finding diagnose(InstanceRecord instance) {
      throw called();
    }

    @Override
    public Map<UUID, Finding> diagnose(List<InstanceRecord> instances) {
      throw called();
    }

    @Override
    public DoctorReport diagnose() {
      throw called();
    }
  }

  private final class Recovery implements RecoveryOperations {
    @Override
    public List<ActorRecovery.Result> recover(
        Set<Diagnosis> diagnoses, boolean dryRun, Initiator by) {
      throw called();
    }
  }
}

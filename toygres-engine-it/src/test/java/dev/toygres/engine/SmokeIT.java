package dev.toygres.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeIT {
  @Test
  void helloWorldRunsActivitiesTimersAndEvents() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      Registry r =
          Registry.builder()
              .activity("greet", String.class, (ctx, name) -> "hello " + name)
              .orchestration(
                  "hello",
                  String.class,
                  (ctx, name) -> {
                    List<Task<String>> ts = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                      ts.add(ctx.callActivity("greet", name + i, String.class));
                    }
                    List<String> all = ctx.allOf(ts).await();
                    ctx.createTimer(Duration.ofMillis(300)).await();
                    String ev = ctx.waitForEvent("go", String.class).await();
                    return String.join(",", all) + ":" + ev;
                  })
              .build();
      f.startWorker(r);
      f.client().start("hello", "h1", "bob");
      Thread.sleep(500);
      f.client().raiseEvent("h1", "go", "yes");
      InstanceInfo info = f.client().waitForCompletion("h1", Duration.ofSeconds(20));
      assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
      assertThat(info.output()).isEqualTo("\"hello bob0,hello bob1,hello bob2:yes\"");
    }
  }
}

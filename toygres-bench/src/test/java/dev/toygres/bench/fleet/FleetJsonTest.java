package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode parse(String line) throws Exception {
    return JSON.readTree(line);
  }

  @Test
  void everyRunIsOneLineOfJsonWithTheFiguresTheIssueIsMeasuredBy() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    FleetJson.print(
        List.of(FleetReportTest.sustainedDirect(), FleetReportTest.saturatedThroughPgBouncer()),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));

    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2);
    for (String line : lines) {
      assertThat(parse(line).fieldNames())
          .toIterable()
          .contains(
              "instances",
              "interval_s",
              "ideal_per_s",
              "achieved_per_s",
              "lateness_p50_ms",
              "lateness_p99_ms",
              "overdue_at_end",
              "cp_cpu_ms_per_iteration",
              "target_cpu_ms_per_iteration",
              "engine_bytes_per_iteration",
              "launch_s",
              "first_sweep_s",
              "warmup_s");
    }
    assertThat(parse(lines.get(0)).get("instances").asInt()).isEqualTo(1000);
    assertThat(parse(lines.get(1)).get("instances").asInt()).isEqualTo(10000);
  }

  @Test
  void figuresAreInTheUnitsTheirNamesSayRoundedToThreeDecimals() throws Exception {
    JsonNode o = parse(FleetJson.line(FleetReportTest.sustainedDirect()));

    assertThat(o.get("window_start").asText()).isEqualTo("2026-11-22T10:00:00Z");
    assertThat(o.get("interval_s").asDouble()).isEqualTo(30.0);
    assertThat(o.get("ideal_per_s").asDouble()).isEqualTo(33.333);
    assertThat(o.get("achieved_per_s").asDouble()).isEqualTo(32.27);
    assertThat(o.get("achieved_pct").asDouble()).isEqualTo(96.811);
    assertThat(o.get("lateness_p50_ms").asDouble()).isEqualTo(662.4);
    assertThat(o.get("lateness_p99_ms").asDouble()).isEqualTo(6310.2);
    assertThat(o.get("overdue_at_end").asInt()).isEqualTo(18);
    // JVM 5.84 + metadata PostgreSQL 0.81
    assertThat(o.get("cp_cpu_ms_per_iteration").asDouble()).isEqualTo(6.65);
    assertThat(o.get("jvm_cpu_ms_per_iteration").asDouble()).isEqualTo(5.84);
    assertThat(o.get("meta_pg_cpu_ms_per_iteration").asDouble()).isEqualTo(0.81);
    assertThat(o.get("target_cpu_ms_per_iteration").asDouble()).isEqualTo(6.12);
    // 13,000,000 bytes over 3,885 checks
    assertThat(o.get("engine_bytes_per_iteration").asDouble()).isEqualTo(3346.203);
    assertThat(o.get("launch_s").asDouble()).isEqualTo(4.7);
    assertThat(o.get("first_sweep_s").asDouble()).isEqualTo(11.2);
    assertThat(o.get("warmup_s").asDouble()).isEqualTo(30.0);
    assertThat(o.get("targets_via").asText()).isEqualTo("direct");
    assertThat(o.get("targets").asInt()).isEqualTo(3);
  }

  @Test
  void unknownFiguresAreNullNeverNaN() throws Exception {
    JsonNode direct = parse(FleetJson.line(FleetReportTest.sustainedDirect()));
    JsonNode pooled = parse(FleetJson.line(FleetReportTest.saturatedThroughPgBouncer()));

    assertThat(direct.get("pgbouncer_cpu_ms_per_iteration").isNull()).isTrue();
    assertThat(pooled.get("pgbouncer_cpu_ms_per_iteration").asDouble()).isEqualTo(0.32);
    assertThat(pooled.get("targets_via").asText()).isEqualTo("pgbouncer");
    assertThat(pooled.get("targets_nice").asInt()).isEqualTo(19);
    assertThat(direct.get("targets_nice").asInt()).isZero();
    // the JVM's CPU was unknown there, so the control plane's is too; /proc/stat as well
    assertThat(pooled.get("cp_cpu_ms_per_iteration").isNull()).isTrue();
    assertThat(pooled.get("machine_cpu_pct").isNull()).isTrue();
    assertThat(pooled.get("other_processes_cpu_pct").isNull()).isTrue();
  }

  @Test
  void oneServerWithoutRecoveryHasNullProcessesAndRecovery() throws Exception {
    JsonNode o = parse(FleetJson.line(FleetReportTest.sustainedDirect()));

    assertThat(o.get("servers").asInt()).isEqualTo(1);
    assertThat(o.get("processes").isNull()).isTrue();
    assertThat(o.get("recovery_s").isNull()).isTrue();
    assertThat(o.get("recovery_actors_s").isNull()).isTrue();
    assertThat(o.get("recovery_unchecked").isNull()).isTrue();
  }

  @Test
  void twoServersListEachProcessesShareAndARecoveryItsTime() throws Exception {
    JsonNode o = parse(FleetJson.line(FleetReportTest.sharedByTwoServersAndRecovered()));

    assertThat(o.get("servers").asInt()).isEqualTo(2);
    JsonNode main = o.get("processes").get(0);
    JsonNode other = o.get("processes").get(1);
    assertThat(main.get("role").asText()).isEqualTo("main");
    assertThat(other.get("role").asText()).isEqualTo("worker-1");
    assertThat(other.get("pid").asLong()).isEqualTo(200);
    assertThat(main.get("checks").asLong()).isEqualTo(2000);
    // 2,000 of 3,885 checks
    assertThat(main.get("check_share_pct").asDouble()).isEqualTo(51.48);
    assertThat(other.get("steps").asLong()).isEqualTo(5655);
    assertThat(other.get("cpu_pct").asDouble()).isEqualTo(25.5);
    assertThat(other.get("cpu_ms_per_check").asDouble()).isEqualTo(4.0);
    assertThat(main.get("health_writes").asLong()).isEqualTo(160);
    assertThat(main.get("checks_per_health_write").asDouble()).isEqualTo(12.5);
    assertThat(o.get("recovery_s").asDouble()).isEqualTo(41.25);
    assertThat(o.get("recovery_actors_s").asDouble()).isEqualTo(30.5);
    assertThat(o.get("recovery_unchecked").asInt()).isZero();
  }
}

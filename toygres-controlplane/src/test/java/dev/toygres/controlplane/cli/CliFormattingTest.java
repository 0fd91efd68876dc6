package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CliFormattingTest {
  private static final Instant NOW = Instant.parse("2025-11-22T10:00:00Z");

  private static JsonNode json(String text) throws IOException {
    return ApiClient.MAPPER.readTree(text.replace('\'', '"'));
  }

  @Test
  void tableAlignsColumnsTwoSpacesApartAndShowsEmptyCellsAsDash() {
    String t =
        new Table("NAME", "STATE", "PORT").row("alpha", "running", 15432).row("b", null).render();

    assertThat(t)
        .isEqualTo(
            """
            NAME   STATE    PORT
            alpha  running  15432
            b      -        -
            """);
  }

  @Test
  void tableKeepsEachRowOnOneLine() {
    String t = new Table("MESSAGE").row("line one\nline two").render();

    assertThat(t).isEqualTo("MESSAGE\nline one line two\n");
  }

  @Test
  void tableRefusesRowsWiderThanItsHeader() {
    assertThatThrownBy(() -> new Table("A").row("1", "2"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keyValuesAlignsValuesAndIndentsSections() {
    String kv =
        new KeyValues()
            .add("name", "alpha")
            .section("actor")
            .add("id", "a-1")
            .end()
            .add("pid", null)
            .render();

    assertThat(kv)
        .isEqualTo(
            """
            name:  alpha
            actor:
              id:  a-1
            pid:   -
            """);
  }

  @Test
  void agesUseAtMostTwoUnits() {
    assertThat(Times.ago(NOW.minusSeconds(12), NOW)).isEqualTo("12s ago");
    assertThat(Times.ago(NOW.minusSeconds(7 * 60 + 12), NOW)).isEqualTo("7m12s ago");
    assertThat(Times.ago(NOW.minusSeconds(7 * 60), NOW)).isEqualTo("7m ago");
    assertThat(Times.ago(NOW.minusSeconds(3 * 3600 + 5 * 60 + 9), NOW)).isEqualTo("3h5m ago");
    assertThat(Times.ago(NOW.minusSeconds(2 * 86400 + 4 * 3600 + 70), NOW)).isEqualTo("2d4h ago");
    assertThat(Times.ago(NOW.minusMillis(300), NOW)).isEqualTo("0s ago");
    assertThat(Times.ago(NOW.plusSeconds(3), NOW)).isEqualTo("in 3s");
    assertThat(Times.ago((Instant) null, NOW)).isEqualTo("never");
    assertThat(Times.ago("2025-11-22T09:59:48.123456Z", NOW)).isEqualTo("11s ago");
  }

  @Test
  void elapsedTimeHasTenthsUnderAMinute() {
    assertThat(Times.elapsed(Duration.ofMillis(3140))).isEqualTo("3.1s");
    assertThat(Times.elapsed(Duration.ofMillis(40))).isEqualTo("0.0s");
    assertThat(Times.elapsed(Duration.ofSeconds(65))).isEqualTo("1m05s");
  }

  @Test
  void connectionStringGetsThePasswordBackPercentEncoded() {
    String masked = "postgresql://postgres:****@127.0.0.1:15433/postgres";

    assertThat(ConnectionStrings.withPassword(masked, "s3cret-pw"))
        .isEqualTo("postgresql://postgres:s3cret-pw@127.0.0.1:15433/postgres");
    String odd = ConnectionStrings.withPassword(masked, "p@ss:w/rd é");
    assertThat(odd)
        .isEqualTo("postgresql://postgres:p%40ss%3Aw%2Frd%20%C3%A9@127.0.0.1:15433/postgres");
    assertThat(URI.create(odd).getUserInfo()).isEqualTo("postgres:p@ss:w/rd é");
    assertThat(ConnectionStrings.withPassword(null, "x")).isNull();
  }

  @Test
  void instanceListShowsOneRowPerInstanceWithTheAgeOfItsLastCheck() throws IOException {
    JsonNode items =
        json(
            """
            [{'name':'alpha','k8s_name':'alpha-abc123','state':'running','health_status':'healthy',
              'last_health_check':'2025-11-22T09:59:48Z','consecutive_failures':0,
              'postgres_version':'18','instance_actor_orchestration_id':'actor-alpha-abc123-1a2b3c4d',
              'monitoring_enabled':true,'host':'127.0.0.1','port':15433,'created_at':'2025-11-22T09:00:00Z'},
             {'name':'beta','state':'stopped','health_status':'unknown','last_health_check':null,
              'postgres_version':'17','instance_actor_orchestration_id':'actor-beta-x',
              'monitoring_enabled':false,'port':15434}]
            """);

    assertThat(ListCommand.render(items, NOW))
        .isEqualTo(
            """
            NAME   STATE    HEALTH   LAST CHECK  VERSION  PORT   ACTOR
            alpha  running  healthy  12s ago     18       15433  actor-alpha-abc123-1a2b3c4d
            beta   stopped  unknown  never       17       15434  off
            """);
  }

  @Test
  void healthChecksShowResponseTimeAndShortVersion() throws IOException {
    JsonNode items =
        json(
            """
            [{'id':2,'status':'healthy','postgres_version':'PostgreSQL 18.1 on x86_64-pc-linux-gnu, compiled by gcc',
              'response_time_ms':3.24,'error_message':null,'actor_id':'actor-a','checked_at':'2025-11-22T09:59:58Z'},
             {'id':1,'status':'unhealthy','postgres_version':null,'response_time_ms':null,
              'error_message':'connection refused','actor_id':'actor-a','checked_at':'2025-11-22T09:59:28Z'}]
            """);

    String t = HealthCommand.render(items, NOW);

    assertThat(t.lines().toList())
        .containsExactly(
            "CHECKED  STATUS     RESPONSE  VERSION  ACTOR    ERROR",
            "2s ago   healthy    3.2ms     18.1     actor-a  -",
            "32s ago  unhealthy  -         -        actor-a  connection refused");
  }

  @Test
  void healthChecksOfAnInstanceWithStandbysShowACompactMembersColumn() throws IOException {
    JsonNode items =
        json(
            """
            [{'id':3,'status':'healthy','postgres_version':'PostgreSQL 18.1','response_time_ms':2.0,
              'error_message':null,'actor_id':'actor-a','checked_at':'2025-11-22T09:59:58Z',
              'members':[{'ordinal':0,'role':'primary','port':5433,'pid':11,'health':'healthy',
                          'lag_bytes':null,'lag_seconds':null,'timeline':2},
                         {'ordinal':1,'role':'standby','port':5434,'pid':12,'health':'healthy',
                          'lag_bytes':0,'lag_seconds':0.001,'timeline':2},
                         {'ordinal':2,'role':'standby','port':5435,'pid':null,'health':'stopped',
                          'lag_bytes':null,'lag_seconds':null,'timeline':null}]},
             {'id':2,'status':'unhealthy','postgres_version':null,'response_time_ms':null,
              'error_message':'connection refused','actor_id':'actor-a',
              'checked_at':'2025-11-22T09:59:28Z','members':null}]
            """);

    String t = HealthCommand.render(items, NOW);
    String seen = "primary ok, standby 1 ok lag 0 B tl 2, standby 2 stopped";
    int width = seen.length();

    assertThat(t.lines().toList())
        .containsExactly(
            "CHECKED  STATUS     RESPONSE  VERSION  ACTOR    "
                + String.format("%-" + width + "s", "MEMBERS")
                + "  ERROR",
            "2s ago   healthy    2.0ms     18.1     actor-a  " + seen + "  -",
            "32s ago  unhealthy  -         -        actor-a  "
                + String.format("%-" + width + "s", "-")
                + "  connection refused");
  }

  @Test
  void eventsShowTheStateChange() throws IOException {
    JsonNode items =
        json(
            """
            [{'id':2,'event_type':'state_changed','old_state':'creating','new_state':'running',
              'message':'instance is running','created_at':'2025-11-22T09:59:00Z'},
             {'id':1,'event_type':'health_changed','old_state':null,'new_state':null,
              'message':'healthy','created_at':'2025-11-22T09:58:00Z'}]
            """);

    assertThat(EventsCommand.render(items, NOW).lines().toList())
        .containsExactly(
            "WHEN    TYPE            STATE                MESSAGE",
            "1m ago  state_changed   creating -> running  instance is running",
            "2m ago  health_changed  -                    healthy");
  }

  @Test
  void instanceDetailIsAKeyValueBlockWithActorAndDataPlane() throws IOException {
    JsonNode i =
        json(
            """
            {'id':'0b7d','name':'alpha','k8s_name':'alpha-abc123','namespace':'toygres','state':'running',
             'health_status':'healthy','last_health_check':'2025-11-22T09:59:50Z','consecutive_failures':0,
             'monitoring_enabled':true,'postgres_version':'18','storage_size_gb':1,
             'create_orchestration_id':'create-alpha','delete_orchestration_id':null,
             'connection_string':'postgresql://postgres:****@127.0.0.1:15433/postgres',
             'created_at':'2025-11-22T09:00:00Z',
             'actor':{'id':'actor-alpha-1','status':'running','diagnosis':'healthy','reason':null},
             'data_plane':{'kind':'local','host':'127.0.0.1','port':15433,'data_dir':'/d/alpha','pid':4242}}
            """);

    String block = GetCommand.render(i, NOW);

    assertThat(block)
        .contains("connection:            postgresql://postgres:****@127.0.0.1:15433/postgres\n")
        .contains("last check:            2025-11-22T09:59:50Z (10s ago)\n")
        .contains("monitoring:            on\n")
        .contains("actor:\n  id:                  actor-alpha-1\n  status:              running\n")
        .contains("data plane:\n  kind:                local\n")
        .contains("  pid:                 4242\n")
        .contains("storage:               1 GB\n");
  }

  @Test
  void orchestrationPageShowsTheNextCursor() throws IOException {
    JsonNode page =
        json(
            """
            {'items':[{'instance_id':'create-alpha','name':'toygres.create-instance','status':'completed',
              'execution_id':1,'created_at':'2025-11-22T09:59:00Z','updated_at':'2025-11-22T09:59:30Z'}],
             'next_cursor':'abc'}
            """);

    assertThat(OrchestrationPage.render(page, NOW))
        .isEqualTo(
            """
            ID            NAME                     STATUS     EXECUTION  CREATED  UPDATED
            create-alpha  toygres.create-instance  completed  1          1m ago   30s ago
            more: toygres orchestrations list --cursor abc
            """);
  }

  @Test
  void orchestrationDetailShowsCustomStatusAndError() throws IOException {
    JsonNode o =
        json(
            """
            {'instance_id':'create-x','name':'toygres.create-instance','status':'failed','execution_id':1,
             'custom_status':'failed','output':null,'error':{'error_type':'TaskFailed','message':'port in use'}}
            """);

    assertThat(OrchestrationGetCommand.render(o, NOW))
        .contains("custom status:  failed\n")
        .contains("error:\n  type:         TaskFailed\n  message:      port in use\n");
  }
}

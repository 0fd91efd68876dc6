package dev.toygres.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.bench.BenchCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FanOutCommandTest {
  @Test
  void aDatabaseUrlWithAPasswordOnTheCommandLineIsRefusedWithoutEchoingIt() {
    StringWriter err = new StringWriter();
    CommandLine cli = BenchCli.commandLine();
    cli.setErr(new PrintWriter(err, true));

    int code = cli.execute("bench", "--database-url", "postgresql://u:Secr3tPw@127.0.0.1:1/x");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("--database-url must not carry a password", "DATABASE_URL")
        .doesNotContain("Secr3tPw");
  }
}

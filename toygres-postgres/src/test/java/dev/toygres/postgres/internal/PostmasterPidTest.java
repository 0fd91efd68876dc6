package dev.toygres.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostmasterPidTest {

  @Test
  void parsesPidPortAndListenAddress() {
    String text =
        "2487\n/tmp/d/data\n1795339862\n54391\n\n127.0.0.1\n  2147534         9\nready   \n";
    assertThat(PostmasterPid.parse(text)).contains(new PostmasterPid(2487, 54391, "", "127.0.0.1"));
  }

  @Test
  void parsesTheFirstSocketDirectory() {
    String text =
        "2487\n/tmp/d/data\n1795339862\n54391\n/run/pg/i1\n127.0.0.1\n  2147534  9\nready \n";
    assertThat(PostmasterPid.parse(text))
        .contains(new PostmasterPid(2487, 54391, "/run/pg/i1", "127.0.0.1"));
  }

  @Test
  void toleratesTruncatedFile() {
    assertThat(PostmasterPid.parse("123\n/data\n")).contains(new PostmasterPid(123, 0, "", ""));
  }

  @Test
  void rejectsGarbage() {
    assertThat(PostmasterPid.parse("")).isEmpty();
    assertThat(PostmasterPid.parse("not a pid\n")).isEmpty();
    assertThat(PostmasterPid.parse("-5\n")).isEmpty();
  }
}

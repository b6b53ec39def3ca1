package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.testing.TestHubs;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** How a Space sees other writers' commits: at once by default, or after its refresh interval. */
class ReadRefreshTest {
  private final TestHubs hubs = TestHubs.local();

  @Test
  void aRefreshIntervalLetsAReaderAnswerFromItsVersionButItsOwnWritesShowAtOnce() {
    EmbeddingHub writerHub = hubs.newHub();
    Space writer = writerHub.createSpace("s", 2);
    writer.set("a", new float[] {1, 2});

    Space eager = EmbeddingHub.open(writerHub.root()).getSpace("s");
    Configuration conf = new Configuration(false);
    conf.setLong(HubProperties.READ_REFRESH_INTERVAL_MS, 3_600_000);
    Space lazy = EmbeddingHub.open(writerHub.root(), conf).getSpace("s");
    assertThat(lazy.contains("a")).isTrue();

    writer.set("b", new float[] {3, 4});
    assertThat(eager.contains("b")).as("the default probes before every call").isTrue();
    assertThat(lazy.contains("b")).as("within the interval: the version it saw").isFalse();
    assertThat(lazy.snapshot(writer.version()).contains("b")).as("an explicit version is read as asked").isTrue();

    lazy.set("c", new float[] {5, 6}); // its own commit re-reads the log first
    assertThat(lazy.contains("c")).isTrue();
    assertThat(lazy.contains("b")).as("its commit brought it up to date").isTrue();
  }
}

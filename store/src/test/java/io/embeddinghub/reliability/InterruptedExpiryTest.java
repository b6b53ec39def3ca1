package io.embeddinghub.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.VacuumOptions;
import io.embeddinghub.VersionInfo;
import io.embeddinghub.testing.TestHubs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A vacuum killed while it expires old versions (after writing the checkpoint of the oldest kept
 * version and deleting the older checkpoints, part way through deleting the older entries) leaves
 * entries no checkpoint leads to. The space must still list only versions it can read, and the
 * next vacuum must finish the job. (Found by reading the expiry path while building the kill suite,
 * whose vacuum kills rarely land in this window.)
 */
@Tag("slow") // a killed expiry (reliability suite)
class InterruptedExpiryTest {
  private final TestHubs hubs = TestHubs.local();

  @Test
  void versionsLeftByAnInterruptedExpiryAreNeitherListedNorInTheWay() {
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("s", 2).buckets(1).build());
    for (int i = 0; i < 25; i++) {
      space.set("k" + i, new float[] {i, 1});
    }
    long latest = space.version(); // 25; checkpoints at 10 and 20
    // what expireBefore(22) leaves when killed after deleting entries 0..5: checkpoint 22 written,
    // checkpoints 10 and 20 deleted, entries 6..25 still there
    String log = "s/_log/";
    LogAccess.writeCheckpoint(hub, "s", 22);
    hubs.delete(hub, log + String.format("%020d.checkpoint.json", 10));
    hubs.delete(hub, log + String.format("%020d.checkpoint.json", 20));
    for (int v = 0; v <= 5; v++) {
      hubs.delete(hub, log + String.format("%020d.json", v));
    }

    Space reopened = hubs.reopen(hub).getSpace("s");
    assertThat(reopened.version()).isEqualTo(latest);
    assertThat(reopened.size()).isEqualTo(25);
    List<VersionInfo> history = reopened.history();
    for (VersionInfo v : history) {
      assertThat(reopened.snapshot(v.version()).version()).as("listed version %d readable", v.version()).isEqualTo(v.version());
    }
    assertThat(history.get(0).version()).isEqualTo(22);
    assertThat(history.get(history.size() - 1).version()).isEqualTo(latest);

    reopened.vacuum(Duration.ofDays(1), VacuumOptions.withoutRetentionCheck());
    assertThat(hubs.listFiles(hub, "s/_log")).noneMatch(f -> f.matches(".*/0{19}[6-9]\\.json|.*/0{18}1[0-9]\\.json|.*/0{18}2[01]\\.json"));
    assertThat(hubs.reopen(hub).getSpace("s").snapshot(22).size()).isEqualTo(22);
  }
}

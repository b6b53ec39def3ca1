package io.embeddinghub;

import static io.embeddinghub.Oracles.assertContents;
import static io.embeddinghub.Oracles.batch;
import static io.embeddinghub.Oracles.dataAndIndexFiles;
import static io.embeddinghub.Oracles.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.testing.TestHubs;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * Vacuum refuses retentions below the hub's minimum unless told otherwise, and a reader of a
 * version that a vacuum expired is told so (not that a file is corrupt).
 */
class VacuumSafetyTest {
  private static final int DIMS = 4;

  private final TestHubs hubs = TestHubs.local();

  /** A space whose version 1 has files that no later version references. */
  private static Space spaceWithStaleFiles(EmbeddingHub hub, Random random, Map<String, float[]> v1) {
    Space space = hub.createSpace(SpaceSpec.builder("safe", DIMS).buckets(2).build());
    v1.putAll(batch(random, DIMS, "k", 0, 40));
    space.multiset(v1);
    space.deleteAll();
    space.multiset(batch(random, DIMS, "n", 0, 10));
    return space;
  }

  @Test
  void aRetentionBelowTheMinimumIsRefusedAndDeletesNothing() {
    Random random = new Random(61);
    EmbeddingHub hub = hubs.newHub();
    Map<String, float[]> v1 = new java.util.HashMap<>();
    Space space = spaceWithStaleFiles(hub, random, v1);
    SpaceSnapshot held = space.snapshot(1);
    Set<String> before = dataAndIndexFiles(hubs, hub, "safe");
    hubs.clock().advance(Duration.ofMillis(5));

    for (Duration tooShort : List.of(Duration.ZERO, Duration.ofMillis(600), Duration.ofMinutes(59))) {
      assertThatThrownBy(() -> space.vacuum(tooShort))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Vacuum retention " + tooShort)
          .hasMessageContaining("minimum PT1H")
          .hasMessageContaining(HubProperties.VACUUM_MIN_RETENTION)
          .hasMessageContaining("VacuumOptions.withoutRetentionCheck()");
      assertThatThrownBy(() -> hub.vacuum(tooShort)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(HubProperties.VACUUM_MIN_RETENTION);
    }
    assertThat(dataAndIndexFiles(hubs, hub, "safe")).isEqualTo(before);
    assertThat(space.history()).hasSize(4);
    assertContents(held, v1, "a held snapshot after refused vacuums");

    assertThat(space.vacuum(Duration.ofHours(1))).isEqualTo(new VacuumResult(0, 0, 0));
    assertThat(hub.vacuum(Duration.ofHours(1))).isEqualTo(new VacuumResult(0, 0, 0));
  }

  @Test
  void theMinimumIsAHubPropertyAndZeroTurnsTheCheckOff() {
    Configuration conf = new Configuration(false);
    conf.set(HubProperties.VACUUM_MIN_RETENTION, "10m");
    Space space = hubs.newHub(conf).createSpace("m", DIMS);
    space.set("a", vector(new Random(1), DIMS));
    assertThatThrownBy(() -> space.vacuum(Duration.ofMinutes(9)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("minimum PT10M");
    assertThat(space.vacuum(Duration.ofMinutes(10)).filesDeleted()).isZero();

    conf.set(HubProperties.VACUUM_MIN_RETENTION, "0");
    assertThat(hubs.newHub(conf).createSpace("z", DIMS).vacuum(Duration.ZERO)).isEqualTo(new VacuumResult(0, 0, 0));

    conf.set(HubProperties.VACUUM_MIN_RETENTION, "-1");
    assertThatThrownBy(() -> hubs.newHub(conf))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining(HubProperties.VACUUM_MIN_RETENTION);
  }

  @Test
  void aReaderOfAVacuumedVersionIsToldItWasVacuumed() {
    Random random = new Random(62);
    EmbeddingHub hub = hubs.newHub();
    Map<String, float[]> v1 = new java.util.HashMap<>();
    Space space = spaceWithStaleFiles(hub, random, v1);
    SpaceSnapshot held = space.snapshot(1); // pinned before the vacuum, read after it
    Iterator<Map.Entry<String, float[]>> rows = held.entries();
    hubs.clock().advance(Duration.ofMillis(20)); // retention ZERO keeps files younger than "now"

    VacuumResult result = space.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(result.filesDeleted()).isPositive();

    String vacuumed = "Version 1 of space 'safe' was vacuumed";
    for (Runnable read : List.<Runnable>of(
        () -> held.get("k001"),
        () -> held.contains("k002"),
        () -> held.findAll(List.of("k003")),
        () -> held.nearestNeighbors(3, vector(random, DIMS)),
        () -> held.nearestNeighbors(3, vector(random, DIMS), SearchOptions.exactSearch()),
        rows::hasNext,
        held::download)) {
      assertThatThrownBy(read::run)
          .isInstanceOf(VersionNotFoundException.class)
          .hasMessageContaining(vacuumed)
          .hasMessageContaining("retention")
          .hasMessageNotContaining("orrupt");
    }
    assertThatThrownBy(() -> space.snapshot(1))
        .isInstanceOf(VersionNotFoundException.class)
        .hasMessageContaining(vacuumed)
        .hasMessageContaining("retained versions are 3..3");
    assertThatThrownBy(() -> space.snapshot(7))
        .isInstanceOf(VersionNotFoundException.class)
        .hasMessageContaining("Version 7 of space 'safe' does not exist");
    assertThat(space.size()).isEqualTo(10);
  }
}

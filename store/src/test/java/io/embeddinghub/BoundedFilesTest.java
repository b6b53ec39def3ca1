package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.log.KeyOrder;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.SpaceOperations;
import io.embeddinghub.testing.TestHubs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Data files are bounded by the space's target, and {@code optimize} leaves each bucket as sorted,
 * non-overlapping files of about the target, rewriting only what needs it, through a streaming
 * merge. Oracles: a HashMap model of the space, and parquet-mr's own example reader over the
 * files the log names (not our reader).
 */
class BoundedFilesTest {
  private static final int DIMS = 8;
  private static final int TARGET_ROWS = 100;

  private final TestHubs hubs = TestHubs.local();

  private Space space(EmbeddingHub hub, int buckets) {
    return hub.createSpace(SpaceSpec.builder("s", DIMS).buckets(buckets).targetFileRows(TARGET_ROWS).build());
  }

  @Test
  void theTargetIsStoredWithTheSpaceAndBoundsEveryWrittenFile() {
    EmbeddingHub hub = hubs.newHub();
    Space space = space(hub, 2);
    Map<String, float[]> model = Oracles.batch(new Random(1), DIMS, "k", 0, 1_000);
    space.multiset(model); // one buffer flush: ~500 rows a bucket, cut into 5 files each

    SpaceState state = state(hubs.reopen(hub));
    assertThat(state.metadata().spec().targetFileRows()).isEqualTo(TARGET_ROWS);
    assertThat(state.metadata().spec().targetFileBytes()).isEqualTo(SpaceSpec.DEFAULT_TARGET_FILE_BYTES);
    for (LiveFile f : state.files()) {
      assertThat(f.file().rows()).as("rows of %s", f.file().path()).isBetween((long) TARGET_ROWS / 2, (long) TARGET_ROWS);
    }
    assertSortedAndNonOverlapping(hub, state);
    Oracles.assertContents(space, model, "after a bulk write cut into files");
  }

  @Tag("slow") // many small files compacted
  @Test
  void optimizeMergesManySmallFilesIntoNonOverlappingFilesOfTheTarget() {
    EmbeddingHub hub = hubs.newHub();
    Space space = space(hub, 2);
    Random random = new Random(2);
    Map<String, float[]> model = new HashMap<>();
    // 40 small writes: ~40 files a bucket, more than one merge pass takes (fan-in 16)
    for (int w = 0; w < 40; w++) {
      Map<String, float[]> batch = Oracles.batch(random, DIMS, "k", w * 20, 30); // overlaps the previous write
      space.multiset(batch);
      model.putAll(batch);
    }
    List<String> doomed = new ArrayList<>(model.keySet()).subList(0, 60);
    space.multidelete(doomed);
    doomed.forEach(model::remove);
    Set<String> filesBefore = new HashSet<>(hubs.listFiles(hub, "s/data"));

    OptimizeResult result = space.optimize();

    SpaceState state = state(hub);
    assertThat(result.filesRemoved()).isGreaterThan(70);
    for (int bucket = 0; bucket < 2; bucket++) {
      List<LiveFile> files = state.filesInBucket(bucket);
      long rows = files.stream().mapToLong(LiveFile::liveRows).sum();
      assertThat(files).as("bucket %d: %d rows in files of at most %d", bucket, rows, TARGET_ROWS)
          .hasSize((int) ((rows + TARGET_ROWS - 1) / TARGET_ROWS));
      for (LiveFile f : files) {
        assertThat(f.deleted().isEmpty()).isTrue();
        assertThat(f.file().rows()).isBetween((long) TARGET_ROWS / 2, (long) TARGET_ROWS);
      }
    }
    assertSortedAndNonOverlapping(hub, state);
    Set<String> added = new HashSet<>(hubs.listFiles(hub, "s/data"));
    added.removeAll(filesBefore);
    Set<String> live = new HashSet<>();
    state.files().forEach(f -> live.add(f.file().path()));
    assertThat(added).as("files optimize left behind: exactly the new live files, no intermediate ones")
        .containsExactlyInAnyOrderElementsOf(live);
    Oracles.assertContents(space, model, "after optimize");
    assertThat(space.optimize().version()).as("a second optimize finds nothing to do").isEqualTo(state.version());
  }

  @Test
  void wellSizedFilesAreLeftAloneAndNoWrittenFileStraddlesOne() {
    EmbeddingHub hub = hubs.newHub();
    Space space = space(hub, 1);
    Map<String, float[]> model = new TreeMap<>(KeyOrder.COMPARATOR);
    Random random = new Random(3);
    model.putAll(Oracles.batch(random, DIMS, "k", 0, 300));
    space.multiset(model);
    space.optimize();
    List<LiveFile> run = new ArrayList<>(state(hub).filesInBucket(0));
    assertThat(run).hasSize(3);
    run.sort(java.util.Comparator.comparing(f -> f.file().minKey(), KeyOrder.COMPARATOR));

    // 15% of the first file and 25% of the last deleted: both are rewritten, the middle one is not
    List<String> keys = new ArrayList<>(model.keySet());
    List<String> doomed = new ArrayList<>(keys.subList(0, 15));
    doomed.addAll(keys.subList(200, 225));
    // and 5% of the middle file: under the threshold, it keeps its deletion vector
    doomed.addAll(keys.subList(100, 105));
    space.multidelete(doomed);
    doomed.forEach(model::remove);
    space.optimize();

    SpaceState state = state(hub);
    Set<String> paths = new HashSet<>();
    state.files().forEach(f -> paths.add(f.file().path()));
    assertThat(paths).as("the middle run file stays").contains(run.get(1).file().path())
        .doesNotContain(run.get(0).file().path(), run.get(2).file().path());
    assertThat(state.file(run.get(1).file().path()).deleted().cardinality()).isEqualTo(5);
    // 85 + 75 live rows make two files of 80 at the target of 100, but the first would run from the
    // first file's keys past the middle file's: the merge cuts there instead
    assertThat(state.files()).hasSize(4);
    assertSortedAndNonOverlapping(hub, state);
    Oracles.assertContents(space, model, "after a partial optimize");

    // new keys above every file: two small overlapping writes are merged, the run is not touched
    Map<String, float[]> more = Oracles.batch(random, DIMS, "z", 0, 40);
    space.multiset(more);
    Map<String, float[]> more2 = Oracles.batch(random, DIMS, "z", 20, 40);
    space.multiset(more2);
    model.putAll(more);
    model.putAll(more2);
    Set<String> before = new HashSet<>(paths);
    space.optimize();
    Set<String> after = new HashSet<>();
    state(hub).files().forEach(f -> after.add(f.file().path()));
    assertThat(after).as("run files untouched by an optimize of new keys above them").containsAll(before);
    assertThat(after).hasSize(before.size() + 1);
    assertSortedAndNonOverlapping(hub, state(hub));
    Oracles.assertContents(space, model, "after optimizing appended keys");
  }

  private static SpaceState state(EmbeddingHub hub) {
    return SpaceOperations.open(hub.context(), "s").latest();
  }

  /** Per bucket: files in key order do not overlap, and each file's actual keys are sorted within its logged range. */
  private void assertSortedAndNonOverlapping(EmbeddingHub hub, SpaceState state) {
    for (int bucket = 0; bucket < state.metadata().spec().buckets(); bucket++) {
      List<LiveFile> files = new ArrayList<>(state.filesInBucket(bucket));
      files.sort(java.util.Comparator.comparing(f -> f.file().minKey(), KeyOrder.COMPARATOR));
      for (int i = 1; i < files.size(); i++) {
        assertThat(KeyOrder.compare(files.get(i - 1).file().maxKey(), files.get(i).file().minKey()))
            .as("bucket %d: %s ends before %s starts", bucket, files.get(i - 1).file().path(), files.get(i).file().path())
            .isNegative();
      }
      for (LiveFile f : files) {
        List<String> keys = parquetKeys(hub, f.file().path());
        assertThat(keys).hasSize((int) f.file().rows());
        assertThat(keys).isSortedAccordingTo(KeyOrder.COMPARATOR);
        assertThat(keys.get(0)).isEqualTo(f.file().minKey());
        assertThat(keys.get(keys.size() - 1)).isEqualTo(f.file().maxKey());
      }
    }
  }

  private static List<String> parquetKeys(EmbeddingHub hub, String relative) {
    Path path = new Path(hub.context().io().location(relative));
    List<String> keys = new ArrayList<>();
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path).withConf(new Configuration()).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        keys.add(g.getString("key", 0));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return keys;
  }
}

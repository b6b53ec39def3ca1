package io.embeddinghub.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.CommitConflictException;
import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.InvalidInputException;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.format.KeyBuckets;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.log.SpaceState;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deletes found bucket by bucket against one version (as Spark tasks find them) and committed
 * later, against a HashMap model of the space, with concurrent commits in between.
 */
class RowDeletesTest {
  private static final int BUCKETS = 4;

  private Space space;
  private HubContext ctx;
  private SpaceOperations engine;
  private final Map<String, float[]> model = new HashMap<>();

  @BeforeEach
  void setUp() throws IOException {
    Path base = Path.of("target", "test-hubs").toAbsolutePath();
    Files.createDirectories(base);
    String root = Files.createTempDirectory(base, "hub").toUri().toString();
    space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("d", 2).buckets(BUCKETS).build());
    Random random = new Random(3);
    for (int i = 0; i < 200; i++) {
      model.put("k" + i, new float[] {random.nextFloat(), random.nextFloat()});
    }
    space.multiset(model);
    Map<String, float[]> replaced = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      replaced.put("k" + i, new float[] {i, i}); // live rows in a second file of each bucket
    }
    space.multiset(replaced);
    model.putAll(replaced);
    Configuration conf = new Configuration();
    ctx = new HubContext(new HadoopFileIO(URI.create(root), conf), conf);
    engine = SpaceOperations.open(ctx, "d");
  }

  /** What tasks would find: each bucket's keys against {@code base}, merged. */
  private RowDeletes findByBucket(SpaceState base, List<String> keys) {
    RowDeletes all = RowDeletes.NONE;
    for (int bucket = 0; bucket < BUCKETS; bucket++) {
      List<String> ofBucket = new ArrayList<>();
      for (String key : keys) {
        if (KeyBuckets.bucketOf(key, BUCKETS) == bucket) {
          ofBucket.add(key);
        }
      }
      all = all.plus(RowDeletes.find(ctx, base, ofBucket.iterator()));
    }
    return all;
  }

  private static List<String> keysInBucket(int bucket, int from, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = from; keys.size() < count; i++) {
      if (KeyBuckets.bucketOf("k" + i, BUCKETS) == bucket) {
        keys.add("k" + i);
      }
    }
    return keys;
  }

  private void assertSpaceEqualsModel() {
    Space reopened = space;
    assertThat(reopened.size()).isEqualTo(model.size());
    model.forEach((key, vector) -> assertThat(reopened.get(key)).as(key).containsExactly(vector));
  }

  @Test
  void deletesFoundBucketByBucketRemoveExactlyTheLiveRowsOfTheKeys() {
    List<String> keys = new ArrayList<>(List.of("k3", "k3", "k77", "absent", "k150", "k39", "k40"));
    SpaceState base = engine.latest();
    RowDeletes rows = findByBucket(base, keys);
    assertThat(rows.rows()).isEqualTo(5);

    assertThat(engine.commitDeletes(base, rows)).isEqualTo(5);
    keys.forEach(model::remove);
    assertThat(engine.latest().version()).isEqualTo(base.version() + 1);
    assertSpaceEqualsModel();
    assertThatThrownBy(() -> space.get("k3")).isInstanceOf(io.embeddinghub.KeyNotFoundException.class);
  }

  @Test
  void aCommitChangingAnotherBucketIsFineOneChangingALookedUpBucketMakesThemStale() {
    List<String> inBucket0 = keysInBucket(0, 0, 5);
    SpaceState base = engine.latest();
    RowDeletes rows = findByBucket(base, inBucket0);
    assertThat(rows.buckets()).containsExactly(0);

    String otherBucketKey = keysInBucket(1, 1000, 1).get(0);
    space.multiset(Map.of(otherBucketKey, new float[] {9, 9}));
    model.put(otherBucketKey, new float[] {9, 9});
    assertThat(engine.commitDeletes(base, rows)).isEqualTo(5);
    inBucket0.forEach(model::remove);
    assertSpaceEqualsModel();

    // a key of bucket 0 upserted after the rows were found: deleting it needs finding it again
    SpaceState before = engine.latest();
    List<String> more = keysInBucket(0, 100, 3);
    RowDeletes stale = findByBucket(before, more);
    space.multiset(Map.of(more.get(0), new float[] {7, 7}));
    model.put(more.get(0), new float[] {7, 7});
    long version = engine.latest().version();
    assertThatThrownBy(() -> engine.commitDeletes(before, stale))
        .isInstanceOf(CommitConflictException.class)
        .hasMessageContaining("bucket 0");
    assertThat(engine.latest().version()).isEqualTo(version);
    assertSpaceEqualsModel();

    // so does a compaction of the bucket (its rows moved to new files)
    SpaceState beforeOptimize = engine.latest();
    RowDeletes moved = findByBucket(beforeOptimize, more);
    space.optimize();
    assertThatThrownBy(() -> engine.commitDeletes(beforeOptimize, moved)).isInstanceOf(CommitConflictException.class);
    assertSpaceEqualsModel();
  }

  @Test
  void rowsAConcurrentDeleteRemovedAreNotCountedTwice() {
    List<String> keys = keysInBucket(2, 0, 6);
    SpaceState base = engine.latest();
    RowDeletes rows = findByBucket(base, keys);
    space.multidelete(keys.subList(0, 2));
    assertThat(engine.commitDeletes(base, rows)).isEqualTo(4);
    keys.forEach(model::remove);
    assertSpaceEqualsModel();
  }

  @Test
  void badKeysAndNothingToDelete() {
    SpaceState base = engine.latest();
    assertThatThrownBy(() -> RowDeletes.find(ctx, base, java.util.Arrays.asList("k1", null).iterator()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("null");
    assertThat(engine.commitDeletes(base, RowDeletes.NONE)).isZero();
    assertThat(engine.commitDeletes(base, findByBucket(base, List.of("absent")))).isZero();
    assertThat(engine.latest().version()).isEqualTo(base.version());
  }
}

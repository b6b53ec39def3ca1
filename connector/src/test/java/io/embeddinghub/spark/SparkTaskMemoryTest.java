package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.HubProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The heap a task may hold on an executor ({@link SparkJobRunner#taskMemoryBytes(long, int,
 * double, java.util.function.Function)}), against the arithmetic written out by hand: Spark's user
 * memory and the store's budget once the executor's caches are counted, per task slot.
 */
class SparkTaskMemoryTest {
  private static final long MIB = 1L << 20;

  @Test
  void aOneGigabyteExecutorWithTwoSlotsCountsItsCaches() {
    // Spark's user memory: (1024 - 300) MiB x 0.4 = 289.6 MiB. The executor's hub keeps a data
    // file cache and an index cache of 256 MiB each and a 64 MiB write buffer by default, which
    // leave (1024 - 576) / 2 = 224 MiB for its tasks: 112 MiB for each of 2 slots.
    assertThat(SparkJobRunner.taskMemoryBytes(1024 * MIB, 2, 0.6, Map.<String, String>of()::get)).isEqualTo(112 * MIB);
    // one slot: min(289.6, 224) MiB
    assertThat(SparkJobRunner.taskMemoryBytes(1024 * MIB, 1, 0.6, Map.<String, String>of()::get)).isEqualTo(224 * MIB);
  }

  @Test
  void cachesSetSmallLeaveSparksUserMemoryAsTheLimit() {
    Map<String, String> small = Map.of(HubProperties.CACHE_MAX_BYTES, "0", HubProperties.INDEX_CACHE_MAX_BYTES, "0",
        HubProperties.WRITE_BUFFER_BYTES, Long.toString(MIB));
    // store: (1024 - 1) / 2 = 511.5 MiB; Spark's user memory 289.6 MiB is smaller: 144.8 MiB per slot
    long sparkUser = (long) ((1024 - 300) * MIB * 0.4);
    assertThat(SparkJobRunner.taskMemoryBytes(1024 * MIB, 2, 0.6, small::get)).isEqualTo(sparkUser / 2);
  }

  @Test
  void aLargeExecutorsCachesStopAtTwoGigabytesAndAnEighthOfTheHeapIsTheFloor() {
    long heap = 16L << 30;
    // caches 2 GiB + 2 GiB + 64 MiB: store (16384 - 4160) / 2 = 6112 MiB; Spark (16384 - 300) x 0.4 = 6433.6 MiB
    assertThat(SparkJobRunner.taskMemoryBytes(heap, 4, 0.6, Map.<String, String>of()::get)).isEqualTo(6112 * MIB / 4);
    // caches set larger than the heap: an eighth of the heap is left to the tasks (2048 MiB / 2)
    Map<String, String> huge = Map.of(HubProperties.CACHE_MAX_BYTES, Long.toString(heap));
    assertThat(SparkJobRunner.taskMemoryBytes(heap, 2, 0.0, huge::get)).isEqualTo(heap / 8 / 2);
  }
}

package io.embeddinghub.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local runner's shuffle against a model: every record reaches its partition exactly once,
 * whether the records stay in memory or spill to local disk, and no spill file outlives the
 * shuffle.
 */
class LocalRunnerTest {
  @TempDir Path dir;

  @Test
  void aShuffleDeliversEveryRecordToItsPartitionOnceInMemoryAndSpilled() throws IOException {
    EngineHub hub = EngineHub.open(URI.create(dir.resolve("hub").toUri().toString()), new Configuration());
    List<Integer> inputs = List.of(0, 1, 2, 3, 4);
    for (long spill : new long[] {1L << 30, 4096}) {
      Path tmp = Files.createDirectories(dir.resolve("tmp" + spill));
      Numbers numbers = new Numbers();
      numbers.spillParent = tmp;
      JobRunner.Shuffled<Integer, HashMap<Integer, Integer>> out = new LocalRunner(hub, spill, tmp).shuffle(inputs, 7, numbers);
      assertThat(numbers.spilled).as("spill budget %d: records read back from disk", spill).isEqualTo(spill < 1 << 20);
      assertThat(out.sides()).as("side results in input order").containsExactly(0, 1, 2, 3, 4);
      Map<Integer, Map<Integer, Integer>> expected = new HashMap<>();
      for (int input : inputs) {
        for (int value : Numbers.values(input)) {
          expected.computeIfAbsent(Math.floorMod(value, 7), p -> new HashMap<>()).merge(value, 1, Integer::sum);
        }
      }
      for (int p = 0; p < 7; p++) {
        assertThat(out.reduced().get(p)).as("partition %d, spill budget %d", p, spill)
            .isEqualTo(expected.getOrDefault(p, Map.of()));
      }
      try (Stream<Path> left = Files.list(tmp)) {
        assertThat(left).as("spill files are deleted").isEmpty();
      }
    }
  }

  @Test
  void aRecordForAPartitionOutsideTheShuffleIsRefused() {
    EngineHub hub = EngineHub.open(URI.create(dir.resolve("hub").toUri().toString()), new Configuration());
    assertThatThrownBy(() -> new LocalRunner(hub, 0, dir).shuffle(List.of(0), 2, new Numbers() {
      @Override
      public JobRunner.Mapped<Integer, Integer> map(EngineHub h, Integer input) {
        return mapped(List.of(5), 5, input);
      }
    })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partition 5");
  }

  /** Input i emits 3,000 seeded values, each to partition value mod 7; a reduce counts what it got. */
  private static class Numbers implements JobRunner.Shuffle<Integer, Integer, Integer, HashMap<Integer, Integer>> {
    static List<Integer> values(int input) {
      Random random = new Random(input);
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        out.add(random.nextInt(1_000_000));
      }
      return out;
    }

    @Override
    public JobRunner.Mapped<Integer, Integer> map(EngineHub hub, Integer input) {
      return mapped(values(input), -1, input);
    }

    JobRunner.Mapped<Integer, Integer> mapped(List<Integer> values, int partition, int side) {
      Iterator<Integer> it = values.iterator();
      return new JobRunner.Mapped<>() {
        private int current;

        @Override
        public boolean next() {
          if (!it.hasNext()) {
            return false;
          }
          current = it.next();
          return true;
        }

        @Override
        public int partition() {
          return partition >= 0 ? partition : Math.floorMod(current, 7);
        }

        @Override
        public Integer record() {
          return current;
        }

        @Override
        public Integer side() {
          return side;
        }
      };
    }

    /** Whether a reduce found a spill directory beside it (asked while the shuffle runs). */
    boolean spilled;
    Path spillParent;

    @Override
    public HashMap<Integer, Integer> reduce(EngineHub hub, int partition, Iterator<Integer> records) {
      if (spillParent != null) {
        try (Stream<Path> dirs = Files.list(spillParent)) {
          spilled |= dirs.findAny().isPresent();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      HashMap<Integer, Integer> counts = new HashMap<>();
      records.forEachRemaining(r -> counts.merge(r, 1, Integer::sum));
      return counts;
    }

    @Override
    public void write(Integer record, DataOutput out) throws IOException {
      out.writeInt(record);
    }

    @Override
    public Integer read(DataInput in) throws IOException {
      return in.readInt();
    }
  }
}

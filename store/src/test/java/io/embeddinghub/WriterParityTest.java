package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.engine.EngineHub;
import io.embeddinghub.engine.FileWriter;
import io.embeddinghub.engine.WrittenFile;
import io.embeddinghub.format.KeyBuckets;
import io.embeddinghub.format.PointReadLayout;
import io.embeddinghub.log.KeyOrder;
import io.embeddinghub.table.PointReadStats;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's sorted-row writer (what a Spark write task runs: {@link FileWriter#sorted}) and the
 * embedded bulk load ({@code Space.multiset(Iterator)}) write the same rows into the same bytes,
 * whatever rows each expected (the sorted writer is told the space's rows per file, a million;
 * the bulk load knows the bucket's rows); and a point read of a file written by the sorted writer
 * decodes exactly the pages that hold the asked keys, never more than one page per key and file.
 * The pages are read from the files with parquet-mr, not with the store's code.
 */
@Tag("slow") // byte parity of two writers over large files
class WriterParityTest {
  private static final int DIMS = 16;
  private static final int BUCKETS = 2;
  /** Enough for several 8 MiB row groups per bucket file. */
  private static final int ROWS = 240_000;

  @TempDir static Path tmp;
  private static String root;
  private static final Map<String, float[]> ROWS_BY_KEY = new HashMap<>();
  private static final List<String> KEYS = new ArrayList<>();

  private static Configuration conf(int loadAfter) {
    Configuration conf = new Configuration();
    conf.setLong(HubProperties.INDEX_AUTO_TAIL_ROWS, 0);
    conf.setLong(HubProperties.WRITE_BUFFER_BYTES, 512L << 20); // one flush: one file per bucket
    conf.setInt(HubProperties.POINT_LOOKUP_LOAD_AFTER, loadAfter);
    return conf;
  }

  @BeforeAll
  static void writeBothWays() {
    root = tmp.toUri().toString();
    Random random = new Random(17);
    for (int i = 0; i < ROWS; i++) {
      String key = "item-" + Integer.toString(i * 7919 + 13, 36);
      KEYS.add(key);
      ROWS_BY_KEY.put(key, Oracles.vector(random, DIMS));
    }
    EmbeddingHub hub = EmbeddingHub.open(root, conf(0));
    SpaceSpec bulkSpec = SpaceSpec.builder("bulk", DIMS).buckets(BUCKETS).build();
    hub.createSpace(bulkSpec).multiset(ROWS_BY_KEY.entrySet().iterator());

    EngineHub engine = EngineHub.open(URI.create(root), conf(0));
    SpaceSpec sortedSpec = SpaceSpec.builder("sorted", DIMS).buckets(BUCKETS).build();
    engine.create(sortedSpec);
    // rows in (bucket, key) order, as a Spark write task receives them
    TreeMap<String, float[]>[] byBucket = buckets();
    FileWriter writer = FileWriter.sorted(engine, engine.space("sorted").spec(), false);
    for (TreeMap<String, float[]> bucket : byBucket) {
      bucket.forEach(writer::add);
    }
    List<WrittenFile> files = writer.finish();
    engine.space("sorted").commitFiles("WRITE", files, false);
  }

  @SuppressWarnings("unchecked")
  private static TreeMap<String, float[]>[] buckets() {
    TreeMap<String, float[]>[] byBucket = new TreeMap[BUCKETS];
    for (int b = 0; b < BUCKETS; b++) {
      byBucket[b] = new TreeMap<>(KeyOrder.COMPARATOR);
    }
    ROWS_BY_KEY.forEach((k, v) -> byBucket[KeyBuckets.bucketOf(k, BUCKETS)].put(k, v));
    return byBucket;
  }

  private static Map<Integer, Path> filesByBucket(String space) throws IOException {
    Map<Integer, Path> out = new TreeMap<>();
    for (int b = 0; b < BUCKETS; b++) {
      try (var files = Files.list(tmp.resolve(space).resolve("data").resolve(String.format("bucket=%04d", b)))) {
        List<Path> list = files.filter(p -> p.toString().endsWith(".parquet")).toList();
        assertThat(list).as("files of bucket %d of %s", b, space).hasSize(1);
        out.put(b, list.get(0));
      }
    }
    return out;
  }

  @Test
  void bothWritersWriteTheSameBytesForTheSameRows() throws IOException {
    Map<Integer, Path> bulk = filesByBucket("bulk");
    Map<Integer, Path> sorted = filesByBucket("sorted");
    for (int b = 0; b < BUCKETS; b++) {
      assertThat(Files.mismatch(bulk.get(b), sorted.get(b))).as("bucket %d", b).isEqualTo(-1L);
      try (ParquetFileReader reader = open(sorted.get(b))) {
        assertThat(reader.getFooter().getBlocks()).as("row groups of bucket %d", b).hasSizeGreaterThan(1);
        for (BlockMetaData block : reader.getFooter().getBlocks()) {
          // about 10 bits a key at 1%, rounded up to a power of two: far below the 1 MiB that
          // a filter sized for the space's million rows per file takes
          int bytes = reader.readBloomFilter(block.getColumns().get(0)).getBitsetSize();
          assertThat((long) bytes).isLessThanOrEqualTo(Math.max(32L, block.getRowCount() * 5 / 2));
        }
      }
    }
  }

  @Test
  void aPointReadOfASortedWriterFileDecodesOnlyThePagesHoldingTheKeys() throws IOException {
    EmbeddingHub hub = EmbeddingHub.open(root, conf(0)); // empty caches, never loads a file whole
    Space space = hub.getSpace("sorted");
    PointReadStats stats = hub.context().pointReads();
    Random random = new Random(5);
    // one key at a time: one candidate file, at most one page
    for (int i = 0; i < 40; i++) {
      String key = KEYS.get(random.nextInt(ROWS));
      long reads = stats.fileReads();
      long rows = stats.rowsDecoded();
      assertThat(space.get(key)).containsExactly(ROWS_BY_KEY.get(key));
      assertThat(stats.fileReads() - reads).isEqualTo(1);
      assertThat(stats.rowsDecoded() - rows).isBetween(1L, (long) PointReadLayout.PAGE_ROWS);
    }
    // many keys at once: exactly the rows of the distinct pages that hold them
    List<String> asked = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      asked.add(KEYS.get(random.nextInt(ROWS)));
    }
    long rows = stats.rowsDecoded();
    List<float[]> got = space.multiget(asked);
    for (int i = 0; i < asked.size(); i++) {
      assertThat(got.get(i)).containsExactly(ROWS_BY_KEY.get(asked.get(i)));
    }
    assertThat(stats.rowsDecoded() - rows).isEqualTo(rowsOfPagesHolding(new HashSet<>(asked)));
    assertThat(stats.rowsDecoded() - rows).isLessThanOrEqualTo((long) PointReadLayout.PAGE_ROWS * asked.size());
  }

  /** The rows of the key column's pages (by parquet-mr's offset index) that hold one of {@code keys}. */
  private static long rowsOfPagesHolding(Set<String> keys) throws IOException {
    TreeMap<String, float[]>[] byBucket = buckets();
    long total = 0;
    for (Map.Entry<Integer, Path> e : filesByBucket("sorted").entrySet()) {
      List<String> fileKeys = new ArrayList<>(byBucket[e.getKey()].keySet()); // row order of the file
      try (ParquetFileReader reader = open(e.getValue())) {
        long firstRowOfGroup = 0;
        for (BlockMetaData block : reader.getFooter().getBlocks()) {
          OffsetIndex pages = reader.readOffsetIndex(block.getColumns().get(0));
          for (int p = 0; p < pages.getPageCount(); p++) {
            long from = pages.getFirstRowIndex(p);
            long to = p + 1 < pages.getPageCount() ? pages.getFirstRowIndex(p + 1) : block.getRowCount();
            for (long r = from; r < to; r++) {
              if (keys.contains(fileKeys.get((int) (firstRowOfGroup + r)))) {
                total += to - from;
                break;
              }
            }
          }
          firstRowOfGroup += block.getRowCount();
        }
      }
    }
    return total;
  }

  private static ParquetFileReader open(Path file) throws IOException {
    return ParquetFileReader.open(
        HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()));
  }
}

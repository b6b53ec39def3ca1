package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.SpaceSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.api.Binary;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The same rows written by a DataFrame write and by the embedded bulk load
 * ({@code Space.multiset(Iterator)}) make data files of the same layout: about the same bytes, and
 * footers, read with parquet-mr, that show in every row group a key bloom filter sized for the rows
 * it holds (not for the space's target rows per file) and holding them, a column and an offset
 * index on both columns, and pages of at most 256 rows; both APIs read both spaces alike.
 */
@Tag("slow") // layout parity of two writers over large files
class SparkWriterParityTest {
  private static final int ROWS = 20_000;
  private static final int DIMS = 4;
  private static final int PAGE_ROWS = 256;

  private final org.apache.spark.sql.SparkSession spark = SharedSpark.session();

  @Test
  void aDataFrameWriteAndABulkLoadMakeTheSameLayout() throws IOException {
    String root = SharedSpark.newHubRoot();
    Map<String, float[]> rows = SparkDataFrameTest.randomRows(new Random(23), "user-", ROWS, DIMS);
    SparkDataFrameTest.frame(spark, rows).write().format("embeddinghub").option("path", root)
        .option("space", "df").option("dimensions", Integer.toString(DIMS)).mode("append").save();
    EmbeddingHub.open(root).createSpace(SpaceSpec.builder("bulk", DIMS).build()).multiset(rows.entrySet().iterator());

    Path hub = Path.of(URI.create(root));
    List<Path> df = dataFiles(hub.resolve("df"));
    List<Path> bulk = dataFiles(hub.resolve("bulk"));
    long dfBytes = bytes(df);
    long bulkBytes = bytes(bulk);
    assertThat((double) Math.max(dfBytes, bulkBytes) / Math.min(dfBytes, bulkBytes))
        .as("data bytes: DataFrame write %d, bulk load %d", dfBytes, bulkBytes).isLessThanOrEqualTo(1.5);

    assertThat(checkLayout(df, rows)).isEqualTo(ROWS);
    assertThat(checkLayout(bulk, rows)).isEqualTo(ROWS);

    // both APIs answer from both layouts (point reads: the hubs' caches hold none of the files)
    List<String> asked = new ArrayList<>(rows.keySet()).subList(0, 200);
    EmbeddingHubSpark sparkApi = EmbeddingHubSpark.open(spark, root);
    EmbeddingHub embeddedApi = EmbeddingHub.open(root);
    for (String space : List.of("df", "bulk")) {
      List<float[]> embedded = embeddedApi.getSpace(space).multiget(asked);
      for (int i = 0; i < asked.size(); i++) {
        assertThat(embedded.get(i)).as("%s in %s", asked.get(i), space).containsExactly(rows.get(asked.get(i)));
      }
      List<Row> viaSpark = sparkApi.multiget(space, spark.createDataFrame(
          asked.stream().map(k -> RowFactory.create(k)).toList(),
          new StructType().add("key", DataTypes.StringType))).collectAsList();
      assertThat(viaSpark).hasSize(asked.size()).allSatisfy(r -> assertThat(r.getList(1))
          .isEqualTo(SparkDataFrameTest.toList(rows.get(r.getString(0)))));
    }
  }

  private static List<Path> dataFiles(Path space) throws IOException {
    try (Stream<Path> files = Files.walk(space.resolve("data"))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
    }
  }

  private static long bytes(List<Path> files) throws IOException {
    long total = 0;
    for (Path f : files) {
      total += Files.size(f);
    }
    return total;
  }

  /** Checks every file's footer and returns the rows of all files. */
  private static long checkLayout(List<Path> files, Map<String, float[]> rows) throws IOException {
    long total = 0;
    for (Path file : files) {
      List<String> keys = new ArrayList<>(); // in row order, by parquet-mr's record reader
      try (var r = org.apache.parquet.hadoop.ParquetReader.builder(
          new org.apache.parquet.hadoop.example.GroupReadSupport(), new org.apache.hadoop.fs.Path(file.toUri())).build()) {
        for (var g = r.read(); g != null; g = r.read()) {
          keys.add(g.getString("key", 0));
        }
      }
      long firstRow = 0;
      try (ParquetFileReader reader = ParquetFileReader.open(
          HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
        for (BlockMetaData block : reader.getFooter().getBlocks()) {
          total += block.getRowCount();
          ColumnChunkMetaData key = block.getColumns().get(0);
          assertThat(key.getPath().toDotString()).isEqualTo("key");
          BloomFilter bloom = reader.readBloomFilter(key);
          assertThat(bloom).as("key bloom filter of %s", file).isNotNull();
          // 1% false positives take about 10 bits a key; a power of two at most doubles it
          assertThat((long) bloom.getBitsetSize()).as("bloom filter bytes of %s (%d rows)", file, block.getRowCount())
              .isLessThanOrEqualTo(Math.max(32L, block.getRowCount() * 5 / 2))
              .isGreaterThanOrEqualTo(block.getRowCount());
          List<String> blockKeys = keys.subList((int) firstRow, (int) (firstRow + block.getRowCount()));
          assertThat(blockKeys).allSatisfy(k -> {
            assertThat(rows).containsKey(k);
            assertThat(bloom.findHash(bloom.hash(Binary.fromString(k)))).isTrue();
          });
          firstRow += block.getRowCount();
          for (ColumnChunkMetaData column : block.getColumns()) {
            assertThat(column.getColumnIndexReference()).as("column index of %s", column.getPath()).isNotNull();
            assertThat(reader.readColumnIndex(column)).isNotNull();
            OffsetIndex pages = reader.readOffsetIndex(column);
            for (int p = 0; p < pages.getPageCount(); p++) {
              long end = p + 1 < pages.getPageCount() ? pages.getFirstRowIndex(p + 1) : block.getRowCount();
              assertThat(end - pages.getFirstRowIndex(p)).as("rows of page %d of %s", p, column.getPath())
                  .isBetween(1L, (long) PAGE_ROWS);
            }
          }
        }
      }
    }
    return total;
  }
}

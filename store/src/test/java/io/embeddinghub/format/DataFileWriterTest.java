package io.embeddinghub.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.log.DataFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The data-file writer's column-level encoding against parquet-mr's own record reader (the
 * oracle: every key and float as written), across page and row-group boundaries: short vectors,
 * page-sized vectors (fewer rows per page) and files of several row groups; and each row group's
 * key bloom filter, sized for the rows it holds.
 */
class DataFileWriterTest {
  private static final Configuration CONF = new Configuration();

  @TempDir Path dir;

  /** The fourth case of {@link #parquetMrReadsBackEveryKeyAndFloat}: page-sized vectors, several row groups. */
  @Tag("slow") // an 18 MB file
  @Test
  void parquetMrReadsBackEveryKeyAndFloatOfPageSizedVectorsInSeveralRowGroups() throws IOException {
    parquetMrReadsBackEveryKeyAndFloat(3000, 1500);
  }

  @ParameterizedTest(name = "{0} rows x {1}-d")
  @CsvSource({"1, 1", "257, 3", "5000, 16"})
  void parquetMrReadsBackEveryKeyAndFloat(int rows, int dims) throws IOException {
    HadoopFileIO io = new HadoopFileIO(dir.toUri(), CONF);
    Random random = new Random(rows * 31L + dims);
    String[] keys = new String[rows];
    float[] vectors = new float[rows * dims];
    for (int r = 0; r < rows; r++) {
      keys[r] = String.format("key-%07d", r);
    }
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = random.nextInt(20) == 0 ? -0.0f : (random.nextFloat() - 0.5f) * 1e3f;
    }
    DataFile file;
    try (DataFileWriter writer = DataFileWriter.create(io, CONF, "f.parquet", 0, dims)) {
      for (int r = 0; r < rows; r++) {
        writer.add(keys[r], vectors, r * dims);
      }
      file = writer.finish();
    }
    assertThat(file.rows()).isEqualTo(rows);

    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(io.location(file.path()));
    int row = 0;
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path).withConf(CONF).build()) {
      for (Group g = reader.read(); g != null; g = reader.read(), row++) {
        assertThat(g.getString("key", 0)).isEqualTo(keys[row]);
        Group list = g.getGroup("embedding", 0);
        assertThat(list.getFieldRepetitionCount("list")).as("floats in row %d", row).isEqualTo(dims);
        for (int d = 0; d < dims; d++) {
          float read = list.getGroup("list", d).getFloat("element", 0);
          assertThat(Float.floatToIntBits(read)).as("row %d float %d", row, d)
              .isEqualTo(Float.floatToIntBits(vectors[row * dims + d]));
        }
      }
    }
    assertThat(row).isEqualTo(rows);

    long firstRow = 0;
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, CONF))) {
      if ((long) rows * dims * Float.BYTES > 2 * DataFileWriter.ROW_GROUP_BYTES) {
        assertThat(reader.getFooter().getBlocks()).hasSizeGreaterThan(1);
      }
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        // the key's bloom filter: in every row group, sized for that row group's rows (what
        // parquet-mr writes for an NDV of the row count), holding each of its keys
        BloomFilter bloom = reader.readBloomFilter(block.getColumns().get(0));
        assertThat(bloom).isNotNull();
        assertThat(bloom.getBitsetSize()).isEqualTo(new BlockSplitBloomFilter(
            BlockSplitBloomFilter.optimalNumOfBits(block.getRowCount(), 0.01) / 8, 1 << 20).getBitsetSize());
        for (long r = firstRow; r < firstRow + block.getRowCount(); r++) {
          assertThat(bloom.findHash(bloom.hash(Binary.fromString(keys[(int) r])))).isTrue();
        }
        ColumnChunkMetaData element = block.getColumns().get(1);
        assertThat(element.getValueCount()).isEqualTo(block.getRowCount() * dims);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (long i = firstRow * dims; i < (firstRow + block.getRowCount()) * dims; i++) {
          min = Math.min(min, vectors[(int) i]);
          max = Math.max(max, vectors[(int) i]);
        }
        Statistics<?> stats = element.getStatistics();
        assertThat((Float) stats.genericGetMin()).isEqualTo(min);
        assertThat((Float) stats.genericGetMax()).isEqualTo(max);
        OffsetIndex pages = reader.readOffsetIndex(element);
        ColumnIndex index = reader.readColumnIndex(element);
        assertThat(index).isNotNull();
        assertThat(index.getMinValues()).hasSize(pages.getPageCount());
        long pageRowLimit = Math.min(PointReadLayout.PAGE_ROWS, (1L << 20) / ((long) dims * Float.BYTES));
        for (int p = 0; p < pages.getPageCount(); p++) {
          long last = p + 1 < pages.getPageCount() ? pages.getFirstRowIndex(p + 1) : block.getRowCount();
          assertThat(last - pages.getFirstRowIndex(p)).isBetween(1L, pageRowLimit);
        }
        firstRow += block.getRowCount();
      }
    }
  }
}

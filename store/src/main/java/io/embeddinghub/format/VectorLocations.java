package io.embeddinghub.format;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.io.StorageIOException;
import io.embeddinghub.log.DataFile;
import java.io.IOException;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;

/**
 * Where each row's floats lie in a data file: the byte offset of a row's first embedding value,
 * from which its {@code dimensions} little-endian floats follow. An index re-ranks its candidates
 * by reading there (issue #25), instead of keeping a float copy of the vectors.
 *
 * <p>The offsets are computable when the embedding column is stored as this library writes it
 * ({@link ColumnFileWriter}): uncompressed, PLAIN floats without a dictionary, with a page index.
 * A page's values then end the page, so a page of {@code r} rows holds its floats in its last
 * {@code r × dimensions × 4} bytes, whatever its header and level bytes take; the offset index
 * gives each page's place, size (header included) and first row. Only the footer and the offset
 * indexes are read. Files of another layout (those written before, compressed with SNAPPY) have
 * no locations. Stateless.
 */
public final class VectorLocations {
  private static final ColumnPath ELEMENT = ColumnPath.get(ParquetDataFiles.EMBEDDING, "list", "element");
  private static final Set<Encoding> PLAIN_LAYOUT = Set.of(Encoding.PLAIN, Encoding.RLE, Encoding.BIT_PACKED);

  private VectorLocations() {}

  /**
   * The byte offset of each row's floats, by row position in {@code file}, or null when its
   * embedding column is not laid out as described above.
   */
  public static long[] of(FileIO io, Configuration conf, DataFile file, int dimensions) {
    String location = io.location(file.path());
    try (ParquetFileReader reader = ParquetFileReader.open(
        io.newInputFile(file.path(), file.sizeBytes()), HadoopReadOptions.builder(conf).build())) {
      long[] offsets = new long[Math.toIntExact(file.rows())];
      long rowBytes = (long) dimensions * Float.BYTES;
      long firstRowOfGroup = 0;
      for (BlockMetaData group : reader.getFooter().getBlocks()) {
        ColumnChunkMetaData chunk = embeddingChunk(group);
        if (chunk == null || chunk.getCodec() != CompressionCodecName.UNCOMPRESSED || chunk.hasDictionaryPage()
            || !PLAIN_LAYOUT.containsAll(chunk.getEncodings())) {
          return null;
        }
        OffsetIndex pages = reader.readOffsetIndex(chunk);
        if (pages == null) {
          return null;
        }
        for (int p = 0; p < pages.getPageCount(); p++) {
          long first = pages.getFirstRowIndex(p);
          long end = p + 1 < pages.getPageCount() ? pages.getFirstRowIndex(p + 1) : group.getRowCount();
          long valuesStart = pages.getOffset(p) + pages.getCompressedPageSize(p) - (end - first) * rowBytes;
          if (end < first || valuesStart < pages.getOffset(p) || firstRowOfGroup + end > offsets.length) {
            throw new IOException("page " + p + " of the embedding column (rows " + first + " to " + end
                + ") does not hold whole rows of " + dimensions + " floats");
          }
          for (long row = first; row < end; row++) {
            offsets[(int) (firstRowOfGroup + row)] = valuesStart + (row - first) * rowBytes;
          }
        }
        firstRowOfGroup += group.getRowCount();
      }
      if (firstRowOfGroup != offsets.length) {
        throw new IOException("has " + firstRowOfGroup + " rows, the log says " + offsets.length);
      }
      return offsets;
    } catch (IOException | RuntimeException e) {
      if (StorageIOException.isCauseOf(e)) {
        throw Errors.cannotRead(location, e);
      }
      throw Errors.corrupt(location, String.valueOf(e.getMessage()), e);
    }
  }

  private static ColumnChunkMetaData embeddingChunk(BlockMetaData group) {
    for (ColumnChunkMetaData c : group.getColumns()) {
      if (c.getPath().equals(ELEMENT)) {
        return c;
      }
    }
    return null;
  }
}

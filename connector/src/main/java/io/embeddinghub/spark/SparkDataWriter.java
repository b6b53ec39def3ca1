package io.embeddinghub.spark;

import io.embeddinghub.InvalidInputException;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.table.FileBatchWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * One write task: validates each row (key, dimensions, finite values), refuses a key repeated in
 * the task unless deduplication was asked for (the write is clustered by key, so every
 * duplicate of a key meets in one task), and writes sorted data files with their indexes. The
 * files stay invisible until the driver commits; {@link #abort()} deletes them.
 */
final class SparkDataWriter implements DataWriter<InternalRow> {
  private static final int DUPLICATES_NAMED = 5;

  private final WriteTarget target;
  private final Set<String> seen = new HashSet<>();
  private final List<String> duplicates = new ArrayList<>();
  private FileBatchWriter writer;
  private SpaceSpec spec;

  SparkDataWriter(WriteTarget target) {
    this.target = target;
  }

  @Override
  public void write(InternalRow row) {
    if (row.isNullAt(target.keyOrdinal())) {
      throw new InvalidInputException("Key must not be null (space '" + target.space() + "')");
    }
    String key = row.getUTF8String(target.keyOrdinal()).toString();
    Errors.checkKey(key);
    if (row.isNullAt(target.embeddingOrdinal())) {
      throw new InvalidInputException("Embedding for key " + Errors.quote(key) + " must not be null");
    }
    float[] vector = toFloats(key, row.getArray(target.embeddingOrdinal()));
    if (writer == null) {
      spec = target.spec(vector.length);
      writer = new FileBatchWriter(target.hub().context(), target.space(), spec);
    }
    Errors.checkVector(key, vector, spec.dimensions(), spec.metric());
    if (!seen.add(key) && duplicates.size() < DUPLICATES_NAMED) {
      duplicates.add(key);
    }
    if (!duplicates.isEmpty() && !target.dedupe()) {
      throw new InvalidInputException(
          "Duplicate keys in one write to space '" + target.space() + "': " + duplicates
              + "; deduplicate the input or set option dedupe=true to keep the last row of each key");
    }
    writer.add(key, vector);
  }

  private float[] toFloats(String key, ArrayData array) {
    int n = array.numElements();
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      if (array.isNullAt(i)) {
        throw new InvalidInputException("Embedding for key " + Errors.quote(key) + " has a null at index " + i);
      }
      v[i] = target.embeddingIsDouble() ? (float) array.getDouble(i) : array.getFloat(i);
    }
    return v;
  }

  @Override
  public WriterCommitMessage commit() {
    List<DataFile> files = writer == null ? List.of() : writer.finish();
    return new SparkCommitMessage(files, spec == null ? 0 : spec.dimensions());
  }

  @Override
  public void abort() {
    if (writer != null) {
      writer.abort();
    }
  }

  @Override
  public void close() throws IOException {}
}

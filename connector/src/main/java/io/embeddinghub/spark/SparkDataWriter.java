package io.embeddinghub.spark;

import io.embeddinghub.SpaceSpec;
import io.embeddinghub.engine.FileWriter;
import io.embeddinghub.engine.Validation;
import io.embeddinghub.engine.WrittenFile;
import java.io.IOException;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * One write task: validates each row (key, dimensions, finite values) and streams the rows, which
 * Spark delivers sorted by (bucket, key), into data files of the space's target size
 * ({@link FileWriter}); a key repeated in the write meets its duplicate here, back to back, and
 * is refused unless deduplication was asked for. Memory is one row group, whatever the task's
 * share. The files stay invisible until the driver commits; {@link #abort()} deletes them.
 */
final class SparkDataWriter implements DataWriter<InternalRow> {
  private final WriteTarget target;
  private FileWriter writer;
  private SpaceSpec spec;

  SparkDataWriter(WriteTarget target) {
    this.target = target;
  }

  @Override
  public void write(InternalRow row) {
    if (row.isNullAt(target.keyOrdinal())) {
      throw SparkErrors.nullKey(target.space());
    }
    String key = row.getUTF8String(target.keyOrdinal()).toString();
    Validation.checkKey(key);
    if (row.isNullAt(target.embeddingOrdinal())) {
      throw SparkErrors.nullInEmbedding(key, -1);
    }
    float[] vector = toFloats(key, row.getArray(target.embeddingOrdinal()));
    if (writer == null) {
      spec = target.spec(vector.length);
      writer = FileWriter.sorted(target.hub().engine(), spec, target.dedupe());
    }
    Validation.checkVector(key, vector, spec.dimensions(), spec.metric());
    writer.add(key, vector);
  }

  private float[] toFloats(String key, ArrayData array) {
    int n = array.numElements();
    for (int i = 0; i < n; i++) {
      if (array.isNullAt(i)) {
        throw SparkErrors.nullInEmbedding(key, i);
      }
    }
    if (!target.embeddingIsDouble()) {
      return array.toFloatArray();
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) array.getDouble(i);
    }
    return v;
  }

  @Override
  public WriterCommitMessage commit() {
    List<WrittenFile> files = writer == null ? List.of() : writer.finish();
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

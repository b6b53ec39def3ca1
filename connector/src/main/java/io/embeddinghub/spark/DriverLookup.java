package io.embeddinghub.spark;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.StateReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A multiget of few keys served on the driver: the keys are collected (at most {@code
 * embeddinghub.read.point-lookup.max-keys} of them), looked up in the pinned version by point
 * reads (only the row groups and pages that can hold them), and returned as a local relation, so
 * no task reads a bucket's files whole and nothing is shuffled. Answers as {@link BucketLookup}
 * does, key by key: a key given twice comes back twice; null or empty keys are absent.
 */
final class DriverLookup {
  private DriverLookup() {}

  /**
   * The values of the first column of {@code keys}, or null when it has more than {@code maxKeys}
   * rows (or {@code maxKeys} is 0): then the keys are for a distributed job. Runs a job over the
   * keys that stops after {@code maxKeys + 1} rows.
   */
  static List<String> fewKeys(Dataset<Row> keys, int maxKeys) {
    if (maxKeys <= 0) {
      return null;
    }
    List<Row> rows = keys.limit(maxKeys + 1).collectAsList();
    if (rows.size() > maxKeys) {
      return null;
    }
    List<String> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(r.getString(0)));
    return out;
  }

  /** The {@code (key, embedding)} rows of {@code keys} in {@code state}, in the order of {@code keys}. */
  static List<Row> lookup(StateReader reader, List<String> keys, MissingKeys missing) {
    SpaceState state = reader.state();
    List<String> valid = keys.stream().filter(k -> k != null && !k.isEmpty()).distinct().toList();
    Map<String, float[]> found = reader.findAll(valid);
    List<Row> out = new ArrayList<>(keys.size());
    List<String> absent = new ArrayList<>();
    for (String key : keys) {
      float[] vector = key == null ? null : found.get(key);
      if (vector != null) {
        out.add(RowFactory.create(key, SparkVectors.toSeq(vector)));
      } else if (missing == MissingKeys.NULL) {
        out.add(RowFactory.create(key, null));
      } else if (missing == MissingKeys.FAIL) {
        absent.add(key);
      }
    }
    if (!absent.isEmpty()) {
      throw Errors.keysNotFound(state.metadata().spec().name(), absent);
    }
    return out;
  }
}

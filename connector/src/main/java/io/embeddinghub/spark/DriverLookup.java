package io.embeddinghub.spark;

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

  /** The keys worth looking up: without nulls, empty keys and repeats. */
  static List<String> lookedUp(List<String> keys) {
    return keys.stream().filter(k -> k != null && !k.isEmpty()).distinct().toList();
  }

  /** The rows answering {@code keys}, in their order, and the keys {@code MissingKeys.FAIL} must report. */
  record Answer(List<Row> rows, List<String> absent) {}

  /** The {@code (key, embedding)} rows of {@code keys}, given what the lookup {@code found}. */
  static Answer answer(List<String> keys, Map<String, float[]> found, MissingKeys missing) {
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
    return new Answer(out, absent);
  }
}

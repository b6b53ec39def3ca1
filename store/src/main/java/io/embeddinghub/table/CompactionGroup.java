package io.embeddinghub.table;

import io.embeddinghub.log.KeyOrder;
import io.embeddinghub.log.LiveFile;
import java.io.Serializable;
import java.util.List;

/**
 * The files of one bucket that {@code optimize} rewrites together, by one streaming merge (one
 * task): their live rows come out as sorted files of about {@code rowsPerFile} rows each. The
 * bucket's other files stay; {@code kept} are their key ranges, which no written file may
 * straddle, so that after the rewrite the bucket's files are still non-overlapping where they were.
 * Immutable and serializable (an engine ships it to a task).
 *
 * @param inputs the files replaced, in no particular order
 * @param kept key ranges of the bucket's files that are left as they are, sorted by min key
 * @param liveRows rows the rewrite keeps (the inputs' live rows)
 * @param rowsPerFile the space's target rows per file
 */
public record CompactionGroup(int bucket, List<LiveFile> inputs, List<KeyRange> kept, long liveRows, int rowsPerFile)
    implements Serializable {
  public CompactionGroup {
    inputs = List.copyOf(inputs);
    kept = List.copyOf(kept);
  }

  /** An inclusive range of keys, in {@link KeyOrder}. */
  public record KeyRange(String min, String max) implements Serializable {
    public boolean overlaps(String otherMin, String otherMax) {
      return KeyOrder.compare(min, otherMax) <= 0 && KeyOrder.compare(otherMin, max) <= 0;
    }
  }

  /** Bytes the inputs hold on disk. */
  public long inputBytes() {
    return inputs.stream().mapToLong(f -> f.file().sizeBytes()).sum();
  }

  /** How many files the rewrite cuts its rows into (before cuts at kept ranges): even sizes, none over the target. */
  public int outputFiles() {
    return (int) Math.max(1, (liveRows + rowsPerFile - 1) / rowsPerFile);
  }
}

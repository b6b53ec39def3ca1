package io.embeddinghub.table;

import io.embeddinghub.format.DataFileReader;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.LiveFile;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;

/**
 * A round of an index build's partitions regrouped on disk: one streamed pass over the tail files
 * appends each assigned row to its partition's spill file, so each partition is then read back
 * from its own file instead of every tail file again (an embedded build of P partitions over F
 * files reads the tail ⌈P / {@value #MAX_OPEN}⌉ times, not P times). Spill files live beside the
 * index files (a build that dies leaves them to vacuum, like any unreferenced file) and are
 * deleted on {@link #close()}.
 *
 * <p>A spilled row is: tail file number (int), row position (int), key length (int), key (UTF-8),
 * {@code dims} floats.
 */
final class PartitionSpill implements AutoCloseable {
  /** Partitions spilled in one pass: open files (each with a small buffer) at a time. */
  static final int MAX_OPEN = 64;

  private static final int BUFFER_BYTES = 16 << 10;

  private final FileIO io;
  private final int dims;
  private final int firstPartition;
  private final String[] paths;
  private final int[] rows;

  private PartitionSpill(FileIO io, int dims, int firstPartition, String[] paths, int[] rows) {
    this.io = io;
    this.dims = dims;
    this.firstPartition = firstPartition;
    this.paths = paths;
    this.rows = rows;
  }

  /**
   * Spills the rows of {@code tail} that {@code assignment} (tail file path to each row's
   * partition, -1 for none) gives to partitions {@code [from, to)}.
   */
  static PartitionSpill write(
      FileIO io, Configuration conf, String dir, List<LiveFile> tail, Map<String, int[]> assignment,
      int from, int to, int dims) {
    String round = UUID.randomUUID().toString().substring(0, 8);
    String[] paths = new String[to - from];
    int[] rows = new int[to - from];
    DataOutputStream[] outs = new DataOutputStream[to - from];
    PartitionSpill spill = new PartitionSpill(io, dims, from, paths, rows);
    try {
      for (int p = from; p < to; p++) {
        paths[p - from] = dir + "/spill-" + round + "-" + String.format("%05d", p) + ".rows";
        OutputStream raw = io.newOutputFile(paths[p - from]).create(0);
        outs[p - from] = new DataOutputStream(new BufferedOutputStream(raw, BUFFER_BYTES));
      }
      for (int t = 0; t < tail.size(); t++) {
        LiveFile f = tail.get(t);
        int[] of = assignment.get(f.file().path());
        if (!hasRowsIn(of, from, to)) {
          continue;
        }
        try (DataFileReader reader = DataFileReader.open(io, conf, f.file(), dims)) {
          while (reader.next()) {
            int r = reader.position();
            int p = of[r];
            if (p < from || p >= to) {
              continue;
            }
            DataOutputStream out = outs[p - from];
            byte[] key = reader.key().getBytes(StandardCharsets.UTF_8);
            out.writeInt(t);
            out.writeInt(r);
            out.writeInt(key.length);
            out.write(key);
            float[] v = reader.vector();
            for (int d = 0; d < dims; d++) {
              out.writeFloat(v[d]);
            }
            rows[p - from]++;
          }
        }
      }
      for (int i = 0; i < outs.length; i++) {
        outs[i].close();
        outs[i] = null;
      }
      return spill;
    } catch (IOException | RuntimeException e) {
      for (DataOutputStream out : outs) {
        closeQuietly(out);
      }
      spill.close();
      throw Errors.cannotSpillIndexRows(io.location(dir), e);
    }
  }

  private static boolean hasRowsIn(int[] partitionOfRow, int from, int to) {
    if (partitionOfRow == null) {
      return false;
    }
    for (int p : partitionOfRow) {
      if (p >= from && p < to) {
        return true;
      }
    }
    return false;
  }

  /** Partition {@code partition}'s rows in tail order, with their tail file numbers and positions. */
  SpilledRows read(int partition) {
    int i = partition - firstPartition;
    int count = rows[i];
    float[] vectors = new float[Math.multiplyExact(count, dims)];
    int[] tailFile = new int[count];
    int[] positions = new int[count];
    String[] keys = new String[count];
    try (InputStream raw = io.newInputFile(paths[i]).newStream();
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, BUFFER_BYTES))) {
      for (int r = 0; r < count; r++) {
        tailFile[r] = in.readInt();
        positions[r] = in.readInt();
        byte[] key = new byte[in.readInt()];
        in.readFully(key);
        keys[r] = new String(key, StandardCharsets.UTF_8);
        for (int d = 0; d < dims; d++) {
          vectors[r * dims + d] = in.readFloat();
        }
      }
    } catch (IOException e) {
      throw Errors.cannotReadSpill(io.location(paths[i]), e);
    }
    return new SpilledRows(vectors, tailFile, positions, keys);
  }

  /** One partition's rows read back from its spill file. */
  record SpilledRows(float[] vectors, int[] tailFile, int[] positions, String[] keys) {}

  /** Deletes the spill files (quietly: vacuum removes any left behind). */
  @Override
  public void close() {
    for (String path : paths) {
      if (path == null) {
        continue;
      }
      try {
        io.delete(path);
      } catch (IOException | RuntimeException e) {
        // left for vacuum
      }
    }
  }

  private static void closeQuietly(OutputStream out) {
    if (out == null) {
      return;
    }
    try {
      out.close();
    } catch (IOException | RuntimeException e) {
      // already failing
    }
  }

  /** The rounds of partitions {@code [0, partitions)}: at most {@value #MAX_OPEN} each. */
  static List<int[]> rounds(int partitions) {
    List<int[]> out = new ArrayList<>();
    for (int from = 0; from < partitions; from += MAX_OPEN) {
      out.add(new int[] {from, Math.min(partitions, from + MAX_OPEN)});
    }
    return out;
  }
}

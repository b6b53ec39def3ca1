package io.embeddinghub.table;

import io.embeddinghub.SpaceSpec;
import io.embeddinghub.format.DataFileReader;
import io.embeddinghub.format.DataFileWriter;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.DeletionVector;
import io.embeddinghub.log.KeyOrder;
import io.embeddinghub.log.LiveFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.UUID;

/**
 * Rewrites one {@link CompactionGroup}: a streaming k-way merge of its input files' live rows into
 * new sorted files of about the target size. Memory is bounded by the fan-in, not the bucket: each
 * source holds one Parquet row group, the writer one more. Inputs that do not overlap each other
 * (the run files of a bucket) are read one after another as one source. When there are more than
 * {@link #MAX_FAN_IN} sources, groups of them are first merged into intermediate files (never
 * committed, deleted at the end), as an external sort does.
 */
final class SortedMerge {
  /** Sources merged at once: 16 × one 8 MiB row group, plus decoding buffers. */
  static final int MAX_FAN_IN = 16;

  private final HubContext ctx;
  private final String spaceDir;
  private final SpaceSpec spec;

  SortedMerge(HubContext ctx, String spaceDir, SpaceSpec spec) {
    this.ctx = ctx;
    this.spaceDir = spaceDir;
    this.spec = spec;
  }

  /** Writes the group's live rows; returns the new files in key order (none when no row is live). */
  List<DataFile> rewrite(CompactionGroup group) {
    List<List<LiveFile>> sources = sources(group.inputs());
    List<DataFile> intermediate = new ArrayList<>();
    try {
      while (sources.size() > MAX_FAN_IN) {
        sources.sort(Comparator.comparingLong(SortedMerge::rows));
        List<List<LiveFile>> batch = new ArrayList<>(sources.subList(0, MAX_FAN_IN));
        sources.subList(0, MAX_FAN_IN).clear();
        List<DataFile> merged = merge(group.bucket(), batch, group.rowsPerFile(), List.of(), Long.MAX_VALUE);
        intermediate.addAll(merged);
        sources.add(merged.stream().map(f -> new LiveFile(f, DeletionVector.EMPTY)).toList());
      }
      int files = group.outputFiles();
      int rowsPerOutput = (int) Math.min(group.rowsPerFile(), (group.liveRows() + files - 1) / files);
      return merge(group.bucket(), sources, rowsPerOutput, group.kept(), group.liveRows());
    } finally {
      FileBatchWriter.deleteQuietly(ctx, intermediate);
    }
  }

  /** Files that overlap no other become one source, read in key order; the rest one source each. */
  private static List<List<LiveFile>> sources(List<LiveFile> inputs) {
    List<LiveFile> sorted = new ArrayList<>(inputs);
    sorted.sort(Comparator.comparing((LiveFile f) -> f.file().minKey(), KeyOrder.COMPARATOR));
    List<List<LiveFile>> sources = new ArrayList<>();
    List<LiveFile> chain = new ArrayList<>();
    for (LiveFile f : sorted) {
      if (chain.isEmpty() || KeyOrder.compare(chain.get(chain.size() - 1).file().maxKey(), f.file().minKey()) < 0) {
        chain.add(f);
      } else {
        sources.add(List.of(f));
      }
    }
    if (!chain.isEmpty()) {
      sources.add(chain);
    }
    return sources;
  }

  private static long rows(List<LiveFile> source) {
    return source.stream().mapToLong(LiveFile::liveRows).sum();
  }

  /**
   * Merges the sources' live rows into files of {@code rowsPerFile} rows, also cut before a key
   * that would make a file straddle a {@code kept} range. {@code expectedRows} is checked when set.
   */
  private List<DataFile> merge(
      int bucket, List<List<LiveFile>> sources, int rowsPerFile, List<CompactionGroup.KeyRange> kept, long expectedRows) {
    PriorityQueue<Cursor> heap = new PriorityQueue<>(Comparator.comparing(Cursor::key, KeyOrder.COMPARATOR));
    List<Cursor> open = new ArrayList<>();
    List<DataFile> written = new ArrayList<>();
    DataFileWriter out = null;
    long rows = 0;
    String previous = null;
    try {
      for (List<LiveFile> source : sources) {
        Cursor c = new Cursor(source);
        open.add(c);
        if (c.advance()) {
          heap.add(c);
        }
      }
      int keptIndex = 0;
      while (!heap.isEmpty()) {
        Cursor c = heap.poll();
        String key = c.key();
        if (previous != null && KeyOrder.compare(previous, key) == 0) {
          throw Errors.corrupt(
              ctx.io().location(c.file().path()), "key '" + key + "' is live in two files of bucket " + bucket, null);
        }
        while (keptIndex < kept.size() && KeyOrder.compare(kept.get(keptIndex).max(), key) < 0) {
          keptIndex++;
        }
        boolean straddles = out != null && keptIndex > 0
            && KeyOrder.compare(previous, kept.get(keptIndex - 1).min()) < 0;
        if (out != null && (out.rows() >= rowsPerFile || straddles)) {
          written.add(out.finish());
          out = null;
        }
        if (out == null) {
          out = DataFileWriter.create(ctx.io(), ctx.conf(), newPath(bucket), bucket, spec.dimensions());
        }
        out.add(key, c.vector(), 0);
        rows++;
        previous = key;
        if (c.advance()) {
          heap.add(c);
        }
      }
      if (out != null) {
        written.add(out.finish());
        out = null;
      }
    } catch (IOException e) {
      FileBatchWriter.deleteQuietly(ctx, written);
      throw Errors.cannotWriteCompactedFile(bucket, e);
    } catch (RuntimeException e) {
      FileBatchWriter.deleteQuietly(ctx, written);
      throw e;
    } finally {
      if (out != null) {
        out.close();
      }
      open.forEach(Cursor::close);
    }
    if (expectedRows != Long.MAX_VALUE && rows != expectedRows) {
      FileBatchWriter.deleteQuietly(ctx, written);
      throw Errors.compactionRowsDiffer(bucket, rows, expectedRows);
    }
    return written;
  }

  private String newPath(int bucket) {
    return spaceDir + "/data/" + String.format("bucket=%04d/%s", bucket, UUID.randomUUID()) + ".parquet";
  }

  /** The live rows of a source's files, one file open at a time. */
  private final class Cursor {
    private final List<LiveFile> files;
    private int next;
    private LiveFile current;
    private DataFileReader reader;

    Cursor(List<LiveFile> files) {
      this.files = files;
    }

    boolean advance() {
      while (true) {
        if (reader != null) {
          while (reader.next()) {
            if (current.isLive(reader.position())) {
              return true;
            }
          }
          reader.close();
          reader = null;
        }
        if (next == files.size()) {
          return false;
        }
        current = files.get(next++);
        reader = DataFileReader.open(ctx.io(), ctx.conf(), current.file(), spec.dimensions());
      }
    }

    String key() {
      return reader.key();
    }

    float[] vector() {
      return reader.vector();
    }

    DataFile file() {
      return current.file();
    }

    void close() {
      if (reader != null) {
        reader.close();
      }
    }
  }
}

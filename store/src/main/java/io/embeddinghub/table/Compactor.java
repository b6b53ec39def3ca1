package io.embeddinghub.table;

import io.embeddinghub.format.FileContents;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.KeyOrder;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.internal.Errors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code optimize}: per bucket that has more than one file or any deleted rows, merges the live
 * rows of all its files into one sorted file and replaces them, in one version. Afterwards each
 * bucket is one file without deletions, so reads and queries no longer pay for past writes.
 */
final class Compactor {
  private final HubContext ctx;
  private final String spaceDir;

  Compactor(HubContext ctx, String spaceDir) {
    this.ctx = ctx;
    this.spaceDir = spaceDir;
  }

  /** The result of rewriting some buckets: files written, inputs replaced. */
  record Rewrite(List<DataFile> written, List<LiveFile> inputs, long liveRows) {}

  /** Writes the compacted files for every bucket of {@code state} with several files or deletions. */
  Rewrite rewrite(SpaceState state) {
    return rewrite(
        state, files -> files.size() > 1 || files.stream().anyMatch(f -> !f.deleted().isEmpty()));
  }

  /** Writes the compacted files for every bucket whose files {@code needsRewrite} selects. */
  Rewrite rewrite(SpaceState state, java.util.function.Predicate<List<LiveFile>> needsRewrite) {
    int buckets = state.metadata().spec().buckets();
    int dims = state.metadata().spec().dimensions();
    List<DataFile> written = new ArrayList<>();
    List<LiveFile> inputs = new ArrayList<>();
    long liveRows = 0;
    for (int bucket = 0; bucket < buckets; bucket++) {
      List<LiveFile> files = state.filesInBucket(bucket);
      if (files.isEmpty() || !needsRewrite.test(files)) {
        continue;
      }
      inputs.addAll(files);
      MergedRows merged = merge(files, dims);
      liveRows += merged.keys.length;
      if (merged.keys.length > 0) {
        written.add(
            FileBatchWriter.writeSorted(ctx, spaceDir, state.metadata().spec(), bucket, merged.keys, merged.flat));
      }
    }
    return new Rewrite(written, inputs, liveRows);
  }

  /** The plan replacing the rewrite's inputs, if they are still live and unchanged in {@code state}. */
  static CommitPlan plan(SpaceState state, Rewrite rewrite) {
    List<String> removes = new ArrayList<>();
    for (LiveFile input : rewrite.inputs()) {
      LiveFile now = state.file(input.file().path());
      if (now == null || !now.deleted().equals(input.deleted())) {
        throw Errors.conflict(
            state.metadata().spec().name(),
            "file " + input.file().path() + " changed while optimize rewrote its bucket");
      }
      removes.add(input.file().path());
    }
    return new CommitPlan("optimize", rewrite.written(), removes, Map.of(), rewrite.liveRows(), rewrite.liveRows())
        .removingIndexesOf(state);
  }

  private record MergedRows(String[] keys, float[] flat) {}

  private MergedRows merge(List<LiveFile> files, int dims) {
    record Row(String key, float[] data, int offset) {}
    List<Row> rows = new ArrayList<>();
    for (LiveFile f : files) {
      FileContents contents = ctx.cache().full(f.file(), dims);
      for (int r = 0; r < contents.rows(); r++) {
        if (f.isLive(r)) {
          rows.add(new Row(contents.key(r), contents.flatVectors(), r * dims));
        }
      }
    }
    rows.sort(Comparator.comparing(Row::key, KeyOrder.COMPARATOR));
    String[] keys = new String[rows.size()];
    float[] flat = new float[rows.size() * dims];
    for (int i = 0; i < keys.length; i++) {
      Row row = rows.get(i);
      keys[i] = row.key();
      System.arraycopy(row.data(), row.offset(), flat, i * dims, dims);
    }
    return new MergedRows(keys, flat);
  }
}

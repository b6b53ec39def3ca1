package io.embeddinghub.table;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code optimize} on one machine: {@link CompactionPlanner} picks each bucket's files to rewrite,
 * {@link SortedMerge} rewrites them group by group in bounded memory, and {@link #plan} replaces
 * them in one version. Afterwards each bucket's files are sorted, non-overlapping key ranges of
 * about the target size, with few deletions, so reads and queries no longer pay for past writes.
 * (An engine runs the same groups as tasks: see {@code io.embeddinghub.engine.CompactionJob}.)
 */
final class Compactor {
  private final HubContext ctx;
  private final String spaceDir;

  Compactor(HubContext ctx, String spaceDir) {
    this.ctx = ctx;
    this.spaceDir = spaceDir;
  }

  /** The result of rewriting some buckets: files written, inputs replaced. */
  record Rewrite(List<DataFile> written, List<LiveFile> inputs, long liveRows) {
    static Rewrite of(List<CompactionGroup> groups, List<List<DataFile>> written) {
      List<DataFile> files = new ArrayList<>();
      written.forEach(files::addAll);
      List<LiveFile> inputs = new ArrayList<>();
      long rows = 0;
      for (CompactionGroup g : groups) {
        inputs.addAll(g.inputs());
        rows += g.liveRows();
      }
      return new Rewrite(files, inputs, rows);
    }
  }

  /** Rewrites every bucket that needs it (see {@link CompactionPlanner}). */
  Rewrite rewrite(SpaceState state) {
    return rewrite(state, files -> true);
  }

  /** Rewrites the buckets that need it among those {@code bucketDue} selects. */
  Rewrite rewrite(SpaceState state, Predicate<List<LiveFile>> bucketDue) {
    List<CompactionGroup> groups = CompactionPlanner.plan(state, bucketDue);
    SortedMerge merge = new SortedMerge(ctx, spaceDir, state.metadata().spec());
    List<List<DataFile>> written = new ArrayList<>();
    try {
      for (CompactionGroup group : groups) {
        written.add(merge.rewrite(group));
      }
    } catch (RuntimeException e) {
      written.forEach(files -> FileBatchWriter.deleteQuietly(ctx, files));
      throw e;
    }
    return Rewrite.of(groups, written);
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
}

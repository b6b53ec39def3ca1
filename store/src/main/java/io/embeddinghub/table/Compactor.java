package io.embeddinghub.table;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.DeletionVector;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The commit side of a compaction: {@link CompactionPlanner} picks each bucket's files to rewrite,
 * {@link SortedMerge} rewrites them group by group in bounded memory (the tasks of {@code
 * io.embeddinghub.engine.OptimizeJob}), and {@link #plan} replaces them in one version. Afterwards
 * each bucket's files are sorted, non-overlapping key ranges of about the target size, with few
 * deletions, so reads and queries no longer pay for past writes.
 */
final class Compactor {
  private Compactor() {}

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

  /**
   * The plan replacing the rewrite's inputs with its files, on top of {@code state}. Rows that
   * commits since the rewrite's base version deleted from the inputs ({@code carried}, found by
   * {@link CarriedDeletes}) are deleted in the rewritten files in the same version.
   */
  static CommitPlan plan(SpaceState state, Rewrite rewrite, Map<String, DeletionVector> carried) {
    List<String> removes = new ArrayList<>();
    long liveNow = 0;
    for (LiveFile input : rewrite.inputs()) {
      LiveFile now = state.file(input.file().path());
      if (now == null) {
        throw Errors.conflict(
            state.metadata().spec().name(),
            "file " + input.file().path() + " was removed while optimize rewrote its bucket");
      }
      removes.add(input.file().path());
      liveNow += now.liveRows();
    }
    return new CommitPlan("optimize", rewrite.written(), removes, carried, liveNow, liveNow)
        .removingIndexesOf(state);
  }
}

package io.embeddinghub.table;

import io.embeddinghub.format.FileContents;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.DeletionVector;
import io.embeddinghub.log.KeyOrder;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The rows that commits after a compaction's base version deleted from its inputs, found again in
 * its outputs: a key overwritten or deleted meanwhile was copied into a rewritten file as it was
 * at the base version, so that copy is deleted in the same commit that adds the file. Then a
 * compaction of a space that writers keep writing commits instead of starting over: only an input
 * that was removed meanwhile (another compaction, a {@code deleteAll}) still conflicts.
 *
 * <p>Cost: for each input with new deletions, its keys (the contents cache, keys only), and a
 * point read of the rewritten files for the keys deleted meanwhile; nothing when no input changed.
 */
final class CarriedDeletes {
  private CarriedDeletes() {}

  /**
   * The deletions to add to the rewritten files of {@code groups} ({@code written}, in group
   * order) so that committing them on top of {@code state} keeps every later write.
   *
   * @return deletion vectors by rewritten file's path; empty when no input changed
   * @throws io.embeddinghub.CommitConflictException if an input was removed, or rows of it were
   *     restored, since the base version
   */
  static Map<String, DeletionVector> find(
      HubContext ctx, SpaceState state, List<CompactionGroup> groups, List<List<DataFile>> written) {
    String space = state.metadata().spec().name();
    int dims = state.metadata().spec().dimensions();
    Map<String, DeletionVector> carried = new HashMap<>();
    for (int g = 0; g < groups.size(); g++) {
      TreeSet<String> deletedMeanwhile = new TreeSet<>(KeyOrder.COMPARATOR);
      for (LiveFile input : groups.get(g).inputs()) {
        LiveFile now = state.file(input.file().path());
        if (now == null) {
          throw Errors.conflict(space, "file " + input.file().path() + " was removed while optimize rewrote its bucket");
        }
        int[] newRows = newlyDeleted(space, input, now);
        if (newRows.length > 0) {
          FileContents keys = ctx.cache().keys(input.file(), dims);
          for (int row : newRows) {
            deletedMeanwhile.add(keys.key(row));
          }
        }
      }
      if (!deletedMeanwhile.isEmpty()) {
        carried.putAll(rowsOf(ctx, space, dims, deletedMeanwhile, written.get(g)));
      }
    }
    return carried;
  }

  /** The rows {@code now} deletes that {@code base} did not; a conflict if {@code base} deleted more. */
  private static int[] newlyDeleted(String space, LiveFile base, LiveFile now) {
    if (now.deleted().equals(base.deleted())) {
      return new int[0];
    }
    if (base.deleted().positions().anyMatch(row -> !now.deleted().contains(row))) {
      throw Errors.conflict(space, "rows of file " + base.file().path() + " were restored while optimize rewrote its bucket");
    }
    return now.deleted().positions().filter(row -> !base.deleted().contains(row)).toArray();
  }

  /** Where {@code keys} are in {@code outputs}: each must be there once, as every input's live row was copied. */
  private static Map<String, DeletionVector> rowsOf(
      HubContext ctx, String space, int dims, TreeSet<String> keys, List<DataFile> outputs) {
    List<LiveFile> files = new ArrayList<>(outputs.size());
    outputs.forEach(f -> files.add(new LiveFile(f, DeletionVector.EMPTY)));
    Map<String, List<Integer>> rows = new HashMap<>();
    int found = 0;
    for (KeyLookup.Found hit : KeyLookup.inFiles(ctx, files, new TreeSet<>(keys), dims)) {
      rows.computeIfAbsent(hit.file().file().path(), p -> new ArrayList<>()).add(hit.position());
      found++;
    }
    if (found != keys.size()) {
      throw Errors.conflict(space, (keys.size() - found) + " of the " + keys.size()
          + " keys deleted meanwhile are not in the rewritten files (first: " + keys.first() + ")");
    }
    Map<String, DeletionVector> vectors = new HashMap<>();
    rows.forEach((path, positions) ->
        vectors.put(path, DeletionVector.of(positions.stream().mapToInt(Integer::intValue).toArray())));
    return vectors;
  }
}

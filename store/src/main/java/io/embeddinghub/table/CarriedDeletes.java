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
 * <p>One instance serves every attempt of one commit, and remembers what it read: the keys of
 * each input it needed, and where each key deleted meanwhile is in the outputs. An attempt that
 * lost the race to a concurrent writer plans again on the newer version, and then reads only what
 * changed since the attempt before, so the next attempt is quick and likely wins (under steady
 * writers on an object store, re-reading everything made every attempt lose).
 *
 * <p>Cost: for each input with new deletions, its keys (the contents cache, keys only), and a
 * point read of the rewritten files for the keys deleted meanwhile; nothing when no input changed.
 */
final class CarriedDeletes {
  private final HubContext ctx;
  private final List<CompactionGroup> groups;
  private final List<List<DataFile>> written;
  /** The keys of the inputs read so far, by input path. */
  private final Map<String, FileContents> inputKeys = new HashMap<>();
  /** Per group, where the keys deleted meanwhile found so far are in its outputs. */
  private final List<Map<String, KeyLookup.Found>> foundInOutputs = new ArrayList<>();

  /**
   * @param groups the compaction groups rewritten
   * @param written the files each group was rewritten into, in group order
   */
  CarriedDeletes(HubContext ctx, List<CompactionGroup> groups, List<List<DataFile>> written) {
    this.ctx = ctx;
    this.groups = groups;
    this.written = written;
    groups.forEach(g -> foundInOutputs.add(new HashMap<>()));
  }

  /**
   * The deletions to add to the rewritten files so that committing them on top of {@code state}
   * keeps every later write.
   *
   * @return deletion vectors by rewritten file's path; empty when no input changed
   * @throws io.embeddinghub.CommitConflictException if an input was removed, or rows of it were
   *     restored, since the base version
   */
  Map<String, DeletionVector> in(SpaceState state) {
    String space = state.metadata().spec().name();
    int dims = state.metadata().spec().dimensions();
    Map<String, List<Integer>> rows = new HashMap<>();
    for (int g = 0; g < groups.size(); g++) {
      TreeSet<String> deletedMeanwhile = new TreeSet<>(KeyOrder.COMPARATOR);
      for (LiveFile input : groups.get(g).inputs()) {
        LiveFile now = state.file(input.file().path());
        if (now == null) {
          throw Errors.conflict(space, "file " + input.file().path() + " was removed while optimize rewrote its bucket");
        }
        int[] newRows = newlyDeleted(space, input, now);
        if (newRows.length > 0) {
          FileContents keys = inputKeys.computeIfAbsent(input.file().path(), p -> ctx.cache().keys(input.file(), dims));
          for (int row : newRows) {
            deletedMeanwhile.add(keys.key(row));
          }
        }
      }
      for (KeyLookup.Found hit : locate(space, dims, g, deletedMeanwhile)) {
        rows.computeIfAbsent(hit.file().file().path(), p -> new ArrayList<>()).add(hit.position());
      }
    }
    Map<String, DeletionVector> vectors = new HashMap<>();
    rows.forEach((path, positions) ->
        vectors.put(path, DeletionVector.of(positions.stream().mapToInt(Integer::intValue).toArray())));
    return vectors;
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

  /**
   * Where {@code keys} are in group {@code g}'s outputs, looking up only those no earlier attempt
   * found: each must be there once, as every input's live row was copied.
   */
  private List<KeyLookup.Found> locate(String space, int dims, int g, TreeSet<String> keys) {
    Map<String, KeyLookup.Found> found = foundInOutputs.get(g);
    TreeSet<String> unknown = new TreeSet<>(KeyOrder.COMPARATOR);
    for (String key : keys) {
      if (!found.containsKey(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      List<LiveFile> files = new ArrayList<>(written.get(g).size());
      written.get(g).forEach(f -> files.add(new LiveFile(f, DeletionVector.EMPTY)));
      int looked = unknown.size();
      String first = unknown.first();
      int hits = 0;
      for (KeyLookup.Found hit : KeyLookup.inFiles(ctx, files, unknown, dims)) {
        found.put(hit.key(), hit);
        hits++;
      }
      if (hits != looked) {
        throw Errors.conflict(space, (looked - hits) + " of the " + looked
            + " keys deleted meanwhile are not in the rewritten files (first: " + first + ")");
      }
    }
    List<KeyLookup.Found> hits = new ArrayList<>(keys.size());
    keys.forEach(key -> hits.add(found.get(key)));
    return hits;
  }
}

package io.embeddinghub.table;

import io.embeddinghub.format.FileContents;
import io.embeddinghub.format.KeyBuckets;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.DeletionVector;
import io.embeddinghub.log.KeyOrder;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans for the Key-Value writes, derived from the state they commit on top of. They keep the
 * invariant every reader relies on: each key has at most one live row in a version. An upsert
 * adds its new files and marks deleted the live rows its keys replace (merge-on-read: the old
 * files are not rewritten); a delete only marks rows.
 */
final class WritePlans {
  private WritePlans() {}

  /** Adds {@code newFiles} (in write order; later files win) and deletes the rows they replace. */
  static CommitPlan upsert(HubContext ctx, SpaceState state, String operation, List<DataFile> newFiles) {
    return write(ctx, state, operation, newFiles, false);
  }

  /** Replaces every file of {@code state} with {@code newFiles} (later files win among them). */
  static CommitPlan replaceAll(HubContext ctx, SpaceState state, String operation, List<DataFile> newFiles) {
    return write(ctx, state, operation, newFiles, true);
  }

  private static CommitPlan write(
      HubContext ctx, SpaceState state, String operation, List<DataFile> newFiles, boolean replace) {
    int dims = state.metadata().spec().dimensions();
    PendingDeletes deletes = new PendingDeletes();
    Map<Integer, List<LiveFile>> earlierNew = new HashMap<>();
    long rowsAdded = 0;
    for (DataFile file : newFiles) {
      List<LiveFile> candidates = new ArrayList<>();
      if (!replace) {
        addOverlapping(state.filesInBucket(file.bucket()), file, candidates);
      }
      addOverlapping(earlierNew.getOrDefault(file.bucket(), List.of()), file, candidates);
      // Only a file whose key range overlaps this one's can hold its keys: the new file's keys are
      // read (on this JVM) only then, so a write into new or disjoint key ranges never reads them.
      if (!candidates.isEmpty()) {
        FileContents keys = ctx.cache().keys(file, dims);
        for (int row = 0; row < keys.rows(); row++) {
          deletes.deleteLiveRow(ctx, candidates, keys.key(row), dims);
        }
      }
      earlierNew.computeIfAbsent(file.bucket(), b -> new ArrayList<>()).add(new LiveFile(file, DeletionVector.EMPTY));
      rowsAdded += file.rows();
    }
    if (!replace) {
      return new CommitPlan(operation, newFiles, List.of(), deletes.vectors(), rowsAdded, deletes.count());
    }
    List<String> removes = new ArrayList<>();
    state.files().forEach(f -> removes.add(f.file().path()));
    return new CommitPlan(
        operation, newFiles, removes, deletes.vectors(), rowsAdded, deletes.count() + state.size())
        .removingIndexesOf(state);
  }

  private static void addOverlapping(List<LiveFile> files, DataFile file, List<LiveFile> into) {
    for (LiveFile f : files) {
      if (KeyOrder.compare(f.file().minKey(), file.maxKey()) <= 0
          && KeyOrder.compare(file.minKey(), f.file().maxKey()) <= 0) {
        into.add(f);
      }
    }
  }

  /** Deletes the live rows of {@code keys}; absent keys are skipped. */
  static CommitPlan delete(HubContext ctx, SpaceState state, Collection<String> keys) {
    int dims = state.metadata().spec().dimensions();
    int buckets = state.metadata().spec().buckets();
    PendingDeletes deletes = new PendingDeletes();
    Set<String> distinct = new LinkedHashSet<>(keys);
    if (KeyLookup.applies(ctx, distinct.size())) {
      deletes.deleteLiveRows(ctx, state, distinct);
    } else {
      for (String key : distinct) {
        deletes.deleteLiveRow(ctx, state.filesInBucket(KeyBuckets.bucketOf(key, buckets)), key, dims);
      }
    }
    return new CommitPlan("delete", List.of(), List.of(), deletes.vectors(), 0, deletes.count());
  }

  /** Removes every file. */
  static CommitPlan deleteAll(SpaceState state) {
    List<String> removes = new ArrayList<>();
    for (LiveFile f : state.files()) {
      removes.add(f.file().path());
    }
    return new CommitPlan("deleteAll", List.of(), removes, Map.of(), 0, state.size()).removingIndexesOf(state);
  }

  /**
   * Deletes rows found against {@code base} (by {@link RowDeletes#find}) on top of {@code state}:
   * still exactly the keys' live rows if no commit since {@code base} added or removed files in
   * the buckets they were looked up in; otherwise a conflict. Rows a concurrent delete already
   * removed are not counted again.
   */
  static CommitPlan deleteRows(SpaceState state, SpaceState base, RowDeletes rows) {
    for (int bucket : rows.buckets()) {
      if (!paths(state.filesInBucket(bucket)).equals(paths(base.filesInBucket(bucket)))) {
        throw Errors.conflict(state.metadata().spec().name(), "version " + state.version()
            + " changed the files of bucket " + bucket + " after version " + base.version()
            + ", where the rows to delete were found");
      }
    }
    Map<String, DeletionVector> vectors = new HashMap<>();
    long count = 0;
    for (Map.Entry<String, DeletionVector> e : rows.rowsByFile().entrySet()) {
      LiveFile file = state.file(e.getKey());
      if (file == null) {
        throw Errors.conflict(state.metadata().spec().name(), "data file " + e.getKey()
            + " is not live in version " + state.version());
      }
      int[] stillLive = e.getValue().positions().filter(file::isLive).toArray();
      if (stillLive.length > 0) {
        vectors.put(e.getKey(), DeletionVector.of(stillLive));
        count += stillLive.length;
      }
    }
    return new CommitPlan("delete", List.of(), List.of(), vectors, 0, count);
  }

  private static Set<String> paths(List<LiveFile> files) {
    Set<String> paths = new HashSet<>();
    for (LiveFile f : files) {
      paths.add(f.file().path());
    }
    return paths;
  }

  /** Row positions this commit deletes, per file. */
  static final class PendingDeletes {
    private final Map<String, Set<Integer>> positions = new HashMap<>();
    private long count;

    /** Marks the live row of {@code key} among {@code files} deleted, if there is one. */
    void deleteLiveRow(HubContext ctx, List<LiveFile> files, String key, int dims) {
      for (LiveFile f : files) {
        if (!f.file().mayContain(key)) {
          continue;
        }
        int position = ctx.cache().keys(f.file(), dims).indexOf(key);
        if (position < 0 || !f.isLive(position)) {
          continue;
        }
        if (positions.computeIfAbsent(f.file().path(), p -> new HashSet<>()).add(position)) {
          count++;
          return;
        }
      }
    }

    /** Marks the live rows of {@code keys} (distinct) in {@code state} deleted, found by {@link KeyLookup}. */
    void deleteLiveRows(HubContext ctx, SpaceState state, Collection<String> keys) {
      for (KeyLookup.Found row : KeyLookup.find(ctx, state, keys, false).values()) {
        if (positions.computeIfAbsent(row.file().file().path(), p -> new HashSet<>()).add(row.position())) {
          count++;
        }
      }
    }

    long count() {
      return count;
    }

    Map<String, DeletionVector> vectors() {
      Map<String, DeletionVector> out = new HashMap<>();
      positions.forEach(
          (path, set) -> out.put(path, DeletionVector.of(set.stream().mapToInt(Integer::intValue).toArray())));
      return out;
    }
  }
}

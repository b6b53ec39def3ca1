package io.embeddinghub.table;

import io.embeddinghub.format.KeyBuckets;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.DeletionVector;
import io.embeddinghub.log.SpaceState;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rows a delete of some keys removes, found against one version: per file, the positions of
 * the keys' live rows, and the buckets whose keys were looked up. Spark tasks find them bucket by
 * bucket ({@link #find}), the driver merges them ({@link #plus}) and commits them with
 * {@link SpaceOperations#commitDeletes}, which refuses them if a commit since that version changed
 * the files of one of those buckets. Immutable.
 */
public final class RowDeletes implements Serializable {
  private static final long serialVersionUID = 1L;

  /** No rows, no buckets looked at. */
  public static final RowDeletes NONE = new RowDeletes(Map.of(), Set.of());

  private final Map<String, DeletionVector> rowsByFile;
  private final Set<Integer> buckets;

  private RowDeletes(Map<String, DeletionVector> rowsByFile, Set<Integer> buckets) {
    this.rowsByFile = Map.copyOf(rowsByFile);
    this.buckets = Set.copyOf(buckets);
  }

  /** The live rows of {@code keys} in {@code state} (a key given twice is deleted once). */
  public static RowDeletes find(HubContext ctx, SpaceState state, Iterator<String> keys) {
    int dims = state.metadata().spec().dimensions();
    int bucketCount = state.metadata().spec().buckets();
    WritePlans.PendingDeletes deletes = new WritePlans.PendingDeletes();
    Set<Integer> looked = new TreeSet<>();
    Set<String> few = new java.util.LinkedHashSet<>();
    while (keys.hasNext() && KeyLookup.applies(ctx, few.size() + 1L)) {
      String key = keys.next();
      Errors.checkKey(key);
      looked.add(KeyBuckets.bucketOf(key, bucketCount));
      few.add(key);
    }
    if (!keys.hasNext()) { // few enough keys: point reads
      deletes.deleteLiveRows(ctx, state, few);
      return new RowDeletes(deletes.vectors(), looked);
    }
    for (String key : few) {
      deletes.deleteLiveRow(ctx, state.filesInBucket(KeyBuckets.bucketOf(key, bucketCount)), key, dims);
    }
    while (keys.hasNext()) {
      String key = keys.next();
      Errors.checkKey(key);
      int bucket = KeyBuckets.bucketOf(key, bucketCount);
      looked.add(bucket);
      deletes.deleteLiveRow(ctx, state.filesInBucket(bucket), key, dims);
    }
    return new RowDeletes(deletes.vectors(), looked);
  }

  /** These rows and {@code other}'s (found against the same version). */
  public RowDeletes plus(RowDeletes other) {
    Map<String, DeletionVector> rows = new HashMap<>(rowsByFile);
    other.rowsByFile.forEach((path, positions) -> rows.merge(path, positions, DeletionVector::union));
    Set<Integer> looked = new TreeSet<>(buckets);
    looked.addAll(other.buckets);
    return new RowDeletes(rows, looked);
  }

  /** Positions to delete, by data file path. */
  public Map<String, DeletionVector> rowsByFile() {
    return rowsByFile;
  }

  /** The buckets whose keys were looked up (a commit that changed their files makes these stale). */
  public Set<Integer> buckets() {
    return buckets;
  }

  /** How many rows were found. */
  public long rows() {
    return rowsByFile.values().stream().mapToLong(DeletionVector::cardinality).sum();
  }

  @Override
  public String toString() {
    return "RowDeletes(" + rows() + " rows in " + rowsByFile.size() + " files, buckets " + buckets + ")";
  }
}

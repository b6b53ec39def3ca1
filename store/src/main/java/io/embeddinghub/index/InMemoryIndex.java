package io.embeddinghub.index;

import io.embeddinghub.Metric;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.internal.TopK;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * An HNSW index over a copy of an in-memory space's rows taken at one moment. Rows changed since
 * (the caller's "changed" set) are rejected from its answers; the caller searches those exactly.
 * Immutable and thread-safe.
 */
public final class InMemoryIndex {
  private final String[] keys;
  private final float[] flat;
  private final Map<String, Integer> rowOf;
  private final VectorIndex index;
  private final Metric metric;
  private final int dimensions;

  private InMemoryIndex(String[] keys, float[] flat, VectorIndex index, Metric metric, int dimensions) {
    this.keys = keys;
    this.flat = flat;
    this.index = index;
    this.metric = metric;
    this.dimensions = dimensions;
    this.rowOf = new HashMap<>(keys.length * 2);
    for (int i = 0; i < keys.length; i++) {
      rowOf.put(keys[i], i);
    }
  }

  /** Builds over a copy of {@code vectors} (which must not change during the call). */
  public static InMemoryIndex build(Map<String, float[]> vectors, SpaceSpec spec, int threads) {
    int dims = spec.dimensions();
    String[] keys = vectors.keySet().toArray(new String[0]);
    float[] flat = new float[keys.length * dims];
    for (int i = 0; i < keys.length; i++) {
      System.arraycopy(vectors.get(keys[i]), 0, flat, i * dims, dims);
    }
    float[] prepared = IndexedRows.prepare(flat, dims, spec.metric());
    HnswGraph graph = GraphBuilders.DEFAULT.build(prepared, dims, spec.metric(), spec.indexParams(), threads);
    VectorIndex index = new FlatHnswIndex(graph, prepared, dims, spec.metric());
    return new InMemoryIndex(keys, flat, index, spec.metric(), dims);
  }

  public int rows() {
    return keys.length;
  }

  /** Whether {@code key} was among the indexed rows. */
  public boolean indexed(String key) {
    return rowOf.containsKey(key);
  }

  /**
   * Offers to {@code top} the indexed rows nearest to {@code query} that are not in
   * {@code changed} and are not {@code excludedKey}, among those {@code filter} passes: {@code k}
   * of them, or all if fewer exist (the walk passes through rows the filter rejects; when it finds
   * fewer than {@code k}, every row is ranked exactly).
   *
   * @param exact scan every row instead of searching the graph
   * @param filter the keys the answer may hold, or null for all
   */
  public void search(float[] query, int k, int ef, boolean exact, Set<String> changed, String excludedKey,
      io.embeddinghub.KeyFilter filter, TopK top) {
    long rejected = changed.stream().filter(rowOf::containsKey).count();
    if (excludedKey != null && rowOf.containsKey(excludedKey) && !changed.contains(excludedKey)) {
      rejected++;
    }
    int need = (int) Math.min(k, keys.length - rejected);
    if (need <= 0) {
      return;
    }
    IntPredicate accept = row -> !changed.contains(keys[row]) && !keys[row].equals(excludedKey)
        && (filter == null || filter.test(keys[row]));
    List<RowHit> hits =
        exact ? List.of() : index.search(IndexedRows.prepareQuery(query, metric), need, ef, accept);
    if (hits.size() >= need) {
      for (RowHit hit : hits) {
        offer(top, hit.row(), query);
      }
      return;
    }
    top.offerRows(metric, query, flat, keys.length, row -> keys[row], accept);
  }

  private void offer(TopK top, int row, float[] query) {
    top.offer(keys[row], metric.distanceToRow(query, flat, row * dimensions));
  }
}

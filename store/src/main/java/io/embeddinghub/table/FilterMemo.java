package io.embeddinghub.table;

import io.embeddinghub.KeyFilter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What filtered searches learnt about the filter they were given, kept for the next queries with
 * the same filter object (a batch of queries shares one): the live rows of an allowed-key set per
 * version, and per index partition the nodes the filter passes when they are few. Holds one filter
 * at a time, so what it keeps is bounded by that filter's rows ({@link
 * io.embeddinghub.FilterStrategy#ALLOWED_ROWS_MAX_BYTES}) and a few ints per partition row. Thread-safe.
 */
public final class FilterMemo {
  /** A key compared by identity (a version's state, which is reused while it is the latest). */
  private record Same(Object value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Same s && s.value == value;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(value);
    }
  }

  private record Entry(KeyFilter filter, Map<Object, Object> values) {}

  /** Marks "more than a few nodes": the partition is walked, not scanned. */
  private static final Object MANY = new Object();

  private volatile Entry current = new Entry(null, new ConcurrentHashMap<>());

  private Map<Object, Object> valuesOf(KeyFilter filter) {
    Entry e = current;
    if (e.filter() != filter) {
      e = new Entry(filter, new ConcurrentHashMap<>());
      current = e;
    }
    return e.values();
  }

  /** The rows an allowed-key set holds in {@code version}, computed once per filter and version. */
  @SuppressWarnings("unchecked")
  Map<String, float[]> allowedRows(KeyFilter.In filter, Object version, Supplier<Map<String, float[]>> compute) {
    return (Map<String, float[]>) valuesOf(filter).computeIfAbsent(new Same(version), k -> compute.get());
  }

  /**
   * The nodes of index partition {@code path} that {@code filter} passes, when they are few; null
   * when they are many. {@code compute} returns the nodes or null.
   */
  int[] fewNodes(KeyFilter filter, String path, Supplier<int[]> compute) {
    Object nodes = valuesOf(filter).computeIfAbsent(path, k -> {
      int[] few = compute.get();
      return few == null ? MANY : few;
    });
    return nodes == MANY ? null : (int[]) nodes;
  }
}

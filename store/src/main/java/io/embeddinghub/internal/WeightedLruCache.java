package io.embeddinghub.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A least-recently-used map bounded by the summed weight (estimated heap bytes) of its values.
 * A value heavier than the whole budget is not kept. Thread-safe.
 */
public final class WeightedLruCache<V> {
  private final long maxWeight;
  private final ToLongFunction<V> weigher;
  private final LinkedHashMap<String, V> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long weight;

  public WeightedLruCache(long maxWeight, ToLongFunction<V> weigher) {
    this.maxWeight = maxWeight;
    this.weigher = weigher;
  }

  public synchronized V get(String key) {
    return entries.get(key);
  }

  /** Stores {@code value}, evicting the least recently used others past the budget. */
  public synchronized void put(String key, V value) {
    long w = weigher.applyAsLong(value);
    if (w > maxWeight) {
      return;
    }
    V previous = entries.put(key, value);
    if (previous != null) {
      weight -= weigher.applyAsLong(previous);
    }
    weight += w;
    Iterator<Map.Entry<String, V>> it = entries.entrySet().iterator();
    while (weight > maxWeight && it.hasNext()) {
      Map.Entry<String, V> eldest = it.next();
      if (!eldest.getKey().equals(key)) {
        weight -= weigher.applyAsLong(eldest.getValue());
        it.remove();
      }
    }
  }

  public synchronized void remove(String key) {
    V removed = entries.remove(key);
    if (removed != null) {
      weight -= weigher.applyAsLong(removed);
    }
  }

  public synchronized int size() {
    return entries.size();
  }

  /** The summed weight of the entries held. */
  public synchronized long weight() {
    return weight;
  }
}

package io.embeddinghub;

import io.embeddinghub.internal.Distances;
import io.embeddinghub.internal.Errors;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * An in-memory vector space, typically a downloaded snapshot ({@link Space#downloadSnapshot()}):
 * the same Key-Value and Nearest-Neighbor interface as a {@link Space}, with no I/O, for code
 * such as training loops. Writes change only this copy (it is a local fork);
 * {@link #writeTo(EmbeddingHub, String)} saves it as a new space.
 *
 * <p>Thread-safe; each write is atomic (validated completely before anything changes).
 */
public final class LocalSpace implements EmbeddingSpace {
  private final SpaceSpec spec;
  private final Map<String, float[]> vectors = new HashMap<>();

  /** An empty in-memory space with the spec's dimensions and metric. */
  public LocalSpace(SpaceSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
  }

  public SpaceSpec spec() {
    return spec;
  }

  @Override
  public int dimensions() {
    return spec.dimensions();
  }

  @Override
  public Metric metric() {
    return spec.metric();
  }

  /** Loads trusted rows (from a stored version) without re-validating them. */
  synchronized void load(Iterator<Map.Entry<String, float[]>> rows) {
    while (rows.hasNext()) {
      Map.Entry<String, float[]> row = rows.next();
      vectors.put(row.getKey(), row.getValue());
    }
  }

  @Override
  public synchronized long size() {
    return vectors.size();
  }

  @Override
  public synchronized boolean contains(String key) {
    Errors.checkKey(key);
    return vectors.containsKey(key);
  }

  @Override
  public float[] get(String key) {
    return find(key).orElseThrow(() -> Errors.keysNotFound(spec.name(), List.of(key)));
  }

  @Override
  public synchronized Optional<float[]> find(String key) {
    Errors.checkKey(key);
    float[] v = vectors.get(key);
    return v == null ? Optional.empty() : Optional.of(v.clone());
  }

  @Override
  public synchronized List<float[]> multiget(List<String> keys) {
    Objects.requireNonNull(keys, "keys");
    List<float[]> result = new ArrayList<>(keys.size());
    List<String> missing = new ArrayList<>();
    for (String key : keys) {
      Errors.checkKey(key);
      float[] v = vectors.get(key);
      if (v == null) {
        missing.add(key);
      } else {
        result.add(v.clone());
      }
    }
    if (!missing.isEmpty()) {
      throw Errors.keysNotFound(spec.name(), missing);
    }
    return result;
  }

  @Override
  public Iterator<float[]> multiget(Iterator<String> keys) {
    Objects.requireNonNull(keys, "keys");
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return keys.hasNext();
      }

      @Override
      public float[] next() {
        return get(keys.next());
      }
    };
  }

  @Override
  public synchronized Map<String, float[]> findAll(List<String> keys) {
    Objects.requireNonNull(keys, "keys");
    Map<String, float[]> found = new LinkedHashMap<>();
    for (String key : keys) {
      Errors.checkKey(key);
      float[] v = vectors.get(key);
      if (v != null) {
        found.put(key, v.clone());
      }
    }
    return found;
  }

  /** A copy of every entry, taken when called. */
  @Override
  public synchronized Iterator<Map.Entry<String, float[]>> entries() {
    List<Map.Entry<String, float[]>> copy = new ArrayList<>(vectors.size());
    vectors.forEach((k, v) -> copy.add(new AbstractMap.SimpleImmutableEntry<>(k, v.clone())));
    return copy.iterator();
  }

  @Override
  public List<Neighbor> nearestNeighbors(int k, String key) {
    Errors.checkK(k);
    return nearest(k, get(key), key);
  }

  @Override
  public List<Neighbor> nearestNeighbors(int k, float[] vector) {
    Errors.checkK(k);
    Errors.checkQuery(vector, dimensions(), metric());
    return nearest(k, vector, null);
  }

  private synchronized List<Neighbor> nearest(int k, float[] query, String excludedKey) {
    if (k == 0) {
      return List.of();
    }
    PriorityQueue<Neighbor> top = new PriorityQueue<>(k, Neighbor.ORDER.reversed());
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      if (e.getKey().equals(excludedKey)) {
        continue;
      }
      Neighbor n = new Neighbor(e.getKey(), Distances.distance(spec.metric(), query, e.getValue(), 0));
      if (top.size() < k) {
        top.add(n);
      } else if (Neighbor.ORDER.compare(n, top.peek()) < 0) {
        top.poll();
        top.add(n);
      }
    }
    List<Neighbor> result = new ArrayList<>(top);
    result.sort(Neighbor.ORDER);
    return result;
  }

  @Override
  public void set(String key, float[] embedding) {
    Errors.checkKey(key);
    Errors.checkVector(key, embedding, dimensions(), metric());
    float[] copy = embedding.clone();
    synchronized (this) {
      vectors.put(key, copy);
    }
  }

  @Override
  public void multiset(Map<String, float[]> entries) {
    Objects.requireNonNull(entries, "entries");
    multiset(entries.entrySet().iterator());
  }

  @Override
  public void multiset(Iterator<? extends Map.Entry<String, float[]>> entries) {
    Objects.requireNonNull(entries, "entries");
    Map<String, float[]> staged = new LinkedHashMap<>();
    while (entries.hasNext()) {
      Map.Entry<String, float[]> e = entries.next();
      if (e == null) {
        throw new InvalidInputException("Entry must not be null");
      }
      Errors.checkKey(e.getKey());
      Errors.checkVector(e.getKey(), e.getValue(), dimensions(), metric());
      staged.put(e.getKey(), e.getValue().clone());
    }
    synchronized (this) {
      vectors.putAll(staged);
    }
  }

  @Override
  public synchronized boolean delete(String key) {
    Errors.checkKey(key);
    return vectors.remove(key) != null;
  }

  @Override
  public synchronized long multidelete(List<String> keys) {
    Objects.requireNonNull(keys, "keys");
    keys.forEach(Errors::checkKey);
    long deleted = 0;
    for (String key : new LinkedHashSet<>(keys)) {
      if (vectors.remove(key) != null) {
        deleted++;
      }
    }
    return deleted;
  }

  @Override
  public synchronized void deleteAll() {
    vectors.clear();
  }

  /** Saves this space's entries as a new space {@code name} in {@code hub}, in one version. */
  public Space writeTo(EmbeddingHub hub, String name) {
    Objects.requireNonNull(hub, "hub");
    Space space = hub.createSpace(spec.toBuilder(name).build());
    space.multiset(entries());
    return space;
  }

  @Override
  public String toString() {
    return "LocalSpace{" + spec.name() + ", size=" + size() + "}";
  }
}

package io.embeddinghub;

import io.embeddinghub.index.InMemoryIndex;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.internal.KeyReads;
import io.embeddinghub.internal.TopK;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
  /** Spaces smaller than this are searched exactly (no index is built). */
  static final int INDEX_MIN_ROWS = 128;

  private final Map<String, float[]> vectors = new HashMap<>();
  private final Set<String> changedSinceIndex = new HashSet<>();
  private final IndexBuild indexBuild;
  private InMemoryIndex index;
  /** Keys changed since the running build copied the rows; null while no build runs. */
  private Set<String> changedDuringBuild;
  /** Advanced by {@link #deleteAll()}: a build of rows copied before it is discarded. */
  private long generation;

  /** Builds the in-memory index over a copy of the rows (tests substitute one that waits). */
  interface IndexBuild {
    InMemoryIndex build(Map<String, float[]> rows, SpaceSpec spec, int threads);
  }

  /**
   * An empty in-memory space with the spec's dimensions and metric.
   *
   * @param spec the name, dimensions, metric and index parameters of the space
   * @throws InvalidInputException if {@code spec} is null
   */
  public LocalSpace(SpaceSpec spec) {
    this(spec, InMemoryIndex::build);
  }

  LocalSpace(SpaceSpec spec, IndexBuild indexBuild) {
    this.spec = Errors.checkNotNull(spec, "spec");
    this.indexBuild = indexBuild;
  }

  /** {@return the spec this space was created with} */
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
      changed(row.getKey());
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
    return Optional.ofNullable(copyOf(key));
  }

  @Override
  public synchronized List<float[]> multiget(List<String> keys) {
    return KeyReads.multiget(spec.name(), keys, this::copyOf);
  }

  /** A copy of a key's embedding, or null; called holding the lock. */
  private float[] copyOf(String key) {
    float[] v = vectors.get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public Iterator<float[]> multiget(Iterator<String> keys) {
    Errors.checkNotNull(keys, "keys");
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
    return KeyReads.findAll(keys, this::copyOf);
  }

  /** A copy of every entry, taken when called. */
  @Override
  public synchronized Iterator<Map.Entry<String, float[]>> entries() {
    List<Map.Entry<String, float[]>> copy = new ArrayList<>(vectors.size());
    vectors.forEach((k, v) -> copy.add(new AbstractMap.SimpleImmutableEntry<>(k, v.clone())));
    return copy.iterator();
  }

  @Override
  public List<Neighbor> nearestNeighbors(int k, String key, SearchOptions options) {
    Errors.checkSearch(k, options);
    return nearest(k, get(key), options, key);
  }

  @Override
  public List<Neighbor> nearestNeighbors(int k, float[] vector, SearchOptions options) {
    Errors.checkSearch(k, options);
    Errors.checkQuery(vector, dimensions(), metric());
    return nearest(k, vector, options, null);
  }

  /**
   * Searches the HNSW index built over the rows as they were at its last build, rejecting rows
   * changed since, plus the changed rows exactly. The index is (re)built lazily by a query once
   * the space has {@value #INDEX_MIN_ROWS} rows, and again when changes pass a tenth of it. A
   * build runs on a copy of the rows without holding the lock, so reads and writes go on
   * meanwhile (queries use the previous index, or scan exactly); rows changed during the build are
   * treated as changed since it.
   */
  private List<Neighbor> nearest(int k, float[] query, SearchOptions options, String excludedKey) {
    if (k == 0) {
      return List.of();
    }
    long startedAt;
    Map<String, float[]> rows;
    synchronized (this) {
      startedAt = generation;
      rows = buildDue(options) ? startBuild() : null;
    }
    if (rows != null) {
      InMemoryIndex built = null;
      try {
        built = indexBuild.build(rows, spec, Runtime.getRuntime().availableProcessors());
      } finally {
        finishBuild(built, startedAt);
      }
    }
    return search(k, query, options, excludedKey);
  }

  /** Whether a query should build the index first (call holding the lock). */
  private boolean buildDue(SearchOptions options) {
    return !options.exact() && vectors.size() >= INDEX_MIN_ROWS && changedDuringBuild == null
        && (index == null || changedSinceIndex.size() > Math.max(1000, vectors.size() / 10));
  }

  /** Starts recording changes for a build and returns the rows it indexes (call holding the lock). */
  private Map<String, float[]> startBuild() {
    changedDuringBuild = new HashSet<>();
    return new HashMap<>(vectors); // values are never modified in place, only replaced
  }

  /** Installs {@code built} (null if the build failed) unless {@link #deleteAll()} ran meanwhile. */
  private synchronized void finishBuild(InMemoryIndex built, long startedAt) {
    Set<String> changed = changedDuringBuild;
    changedDuringBuild = null;
    if (built != null && generation == startedAt) {
      index = built;
      changedSinceIndex.clear();
      changedSinceIndex.addAll(changed);
    }
  }

  private synchronized List<Neighbor> search(int k, float[] query, SearchOptions options, String excludedKey) {
    TopK top = new TopK(k);
    KeyFilter filter = options.filtered() ? options.filter() : null;
    if (filter instanceof KeyFilter.In allowed) { // every vector is at hand: rank the allowed ones exactly
      for (String key : allowed.keys()) {
        float[] v = vectors.get(key);
        if (v != null && !key.equals(excludedKey)) {
          top.offer(key, spec.metric().distanceToRow(query, v, 0));
        }
      }
      return top.result();
    }
    if (options.exact() || vectors.size() < INDEX_MIN_ROWS || index == null) {
      vectors.forEach(
          (key, v) -> {
            if (!key.equals(excludedKey) && (filter == null || filter.test(key))) {
              top.offer(key, spec.metric().distanceToRow(query, v, 0));
            }
          });
      return top.result();
    }
    int ef = options.ef() > 0 ? options.ef() : spec.indexParams().ef();
    index.search(query, k, ef, false, changedSinceIndex, excludedKey, filter, top);
    for (String key : changedSinceIndex) {
      float[] v = vectors.get(key);
      if (v != null && !key.equals(excludedKey) && (filter == null || filter.test(key))) {
        top.offer(key, spec.metric().distanceToRow(query, v, 0));
      }
    }
    return top.result();
  }

  /** Records a change for the index and a running build (call holding the lock). */
  private void changed(String key) {
    if (index != null) {
      changedSinceIndex.add(key);
    }
    if (changedDuringBuild != null) {
      changedDuringBuild.add(key);
    }
  }

  @Override
  public void set(String key, float[] embedding) {
    Errors.checkKey(key);
    Errors.checkVector(key, embedding, dimensions(), metric());
    float[] copy = embedding.clone();
    synchronized (this) {
      vectors.put(key, copy);
      changed(key);
    }
  }

  @Override
  public void multiset(Map<String, float[]> entries) {
    Errors.checkNotNull(entries, "entries");
    multiset(entries.entrySet().iterator());
  }

  @Override
  public void multiset(Iterator<? extends Map.Entry<String, float[]>> entries) {
    Errors.checkNotNull(entries, "entries");
    Map<String, float[]> staged = new LinkedHashMap<>();
    while (entries.hasNext()) {
      Map.Entry<String, float[]> e = entries.next();
      if (e == null) {
        throw Errors.nullEntry();
      }
      Errors.checkKey(e.getKey());
      Errors.checkVector(e.getKey(), e.getValue(), dimensions(), metric());
      staged.put(e.getKey(), e.getValue().clone());
    }
    synchronized (this) {
      vectors.putAll(staged);
      staged.keySet().forEach(this::changed);
    }
  }

  @Override
  public synchronized boolean delete(String key) {
    Errors.checkKey(key);
    changed(key);
    return vectors.remove(key) != null;
  }

  @Override
  public synchronized long multidelete(List<String> keys) {
    Errors.checkNotNull(keys, "keys");
    keys.forEach(Errors::checkKey);
    long deleted = 0;
    for (String key : new LinkedHashSet<>(keys)) {
      changed(key);
      if (vectors.remove(key) != null) {
        deleted++;
      }
    }
    return deleted;
  }

  @Override
  public synchronized void deleteAll() {
    vectors.clear();
    index = null;
    changedSinceIndex.clear();
    generation++;
  }

  /**
   * Saves this space's entries as a new space {@code name} in {@code hub}, in one version.
   *
   * @param hub the hub to create the space in
   * @param name the new space's name; its other settings are this space's spec
   * @return the new space
   * @throws SpaceAlreadyExistsException if the hub already has a space of that name
   * @throws InvalidInputException if {@code hub} is null or {@code name} is invalid
   */
  public Space writeTo(EmbeddingHub hub, String name) {
    Errors.checkNotNull(hub, "hub");
    Space space = hub.createSpace(spec.toBuilder(name).build());
    space.multiset(entries());
    return space;
  }

  @Override
  public String toString() {
    return "LocalSpace{" + spec.name() + ", size=" + size() + "}";
  }
}

package io.embeddinghub;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The read side of a vector space: Key-Value reads and Nearest-Neighbor queries. Implemented by
 * the persistent {@link Space} (reads its latest version), by {@link SpaceSnapshot} (one fixed
 * version) and by the in-memory {@link LocalSpace}.
 *
 * <p>Returned vectors are copies: changing them never changes the space.
 */
public interface ReadableSpace {

  /** Number of dimensions every embedding of the space has. */
  int dimensions();

  /** The space's distance metric. */
  Metric metric();

  /** Number of keys. */
  long size();

  /** Whether the key is present. */
  boolean contains(String key);

  /**
   * The embedding stored under {@code key}.
   *
   * @throws KeyNotFoundException if the key is absent (use {@link #find(String)} to expect absence)
   */
  float[] get(String key);

  /** The embedding stored under {@code key}, or empty when the key is absent. */
  Optional<float[]> find(String key);

  /**
   * The embeddings of {@code keys}, in the same order (a key may repeat).
   *
   * @throws KeyNotFoundException naming the missing keys, if any key is absent
   */
  List<float[]> multiget(List<String> keys);

  /**
   * Streaming form of {@link #multiget(List)}: embeddings in the order of {@code keys}, fetched in
   * batches so that any number of keys can be read in bounded memory.
   *
   * @throws KeyNotFoundException when the iteration reaches a batch with a missing key
   */
  Iterator<float[]> multiget(Iterator<String> keys);

  /** The present keys among {@code keys} with their embeddings; absent keys are left out. */
  Map<String, float[]> findAll(List<String> keys);

  /** Every key and embedding, in no particular order, streamed file by file. */
  Iterator<Map.Entry<String, float[]>> entries();

  /**
   * The {@code min(k, size()-1)} keys nearest to the embedding stored under {@code key}, nearest
   * first, ties broken by key. The query key itself is left out. Approximate (HNSW) with the
   * space's default ef; see {@link #nearestNeighbors(int, String, SearchOptions)}.
   *
   * @throws KeyNotFoundException if the key is absent
   */
  default List<Neighbor> nearestNeighbors(int k, String key) {
    return nearestNeighbors(k, key, SearchOptions.DEFAULT);
  }

  /**
   * The {@code min(k, size())} keys nearest to {@code vector}, nearest first, ties broken by key.
   * Approximate (HNSW) with the space's default ef.
   */
  default List<Neighbor> nearestNeighbors(int k, float[] vector) {
    return nearestNeighbors(k, vector, SearchOptions.DEFAULT);
  }

  /** As {@link #nearestNeighbors(int, String)}, with per-query {@code ef} or exact search. */
  List<Neighbor> nearestNeighbors(int k, String key, SearchOptions options);

  /** As {@link #nearestNeighbors(int, float[])}, with per-query {@code ef} or exact search. */
  List<Neighbor> nearestNeighbors(int k, float[] vector, SearchOptions options);
}

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

  /** {@return the number of dimensions every embedding of the space has} */
  int dimensions();

  /** {@return the space's distance metric} */
  Metric metric();

  /** {@return the number of keys} */
  long size();

  /**
   * Whether the key is present.
   *
   * @param key the key, non-null and non-empty
   * @return whether the space holds {@code key}
   * @throws InvalidInputException if the key is null or empty
   */
  boolean contains(String key);

  /**
   * The embedding stored under {@code key}.
   *
   * @param key the key, non-null and non-empty
   * @return a copy of the embedding
   * @throws KeyNotFoundException if the key is absent (use {@link #find(String)} to expect absence)
   * @throws InvalidInputException if the key is null or empty
   */
  float[] get(String key);

  /**
   * The embedding stored under {@code key}, or empty when the key is absent.
   *
   * @param key the key, non-null and non-empty
   * @return a copy of the embedding, or empty
   * @throws InvalidInputException if the key is null or empty
   */
  Optional<float[]> find(String key);

  /**
   * The embeddings of {@code keys}, in the same order (a key may repeat).
   *
   * @param keys the keys, each non-null and non-empty
   * @return copies of the embeddings, one per key
   * @throws KeyNotFoundException naming the missing keys, if any key is absent
   * @throws InvalidInputException if the list is null or holds a null or empty key
   */
  List<float[]> multiget(List<String> keys);

  /**
   * Streaming form of {@link #multiget(List)}: embeddings in the order of {@code keys}, fetched in
   * batches so that any number of keys can be read in bounded memory.
   *
   * @param keys the keys, each non-null and non-empty, consumed as the result is iterated
   * @return the embeddings, one per key, in key order
   * @throws KeyNotFoundException when the iteration reaches a batch with a missing key
   * @throws InvalidInputException if {@code keys} is null (an invalid key fails the iteration)
   */
  Iterator<float[]> multiget(Iterator<String> keys);

  /**
   * The present keys among {@code keys} with their embeddings; absent keys are left out.
   *
   * @param keys the keys, each non-null and non-empty
   * @return the present keys and copies of their embeddings
   * @throws InvalidInputException if the list is null or holds a null or empty key
   */
  Map<String, float[]> findAll(List<String> keys);

  /** {@return every key and embedding, in no particular order, streamed file by file} */
  Iterator<Map.Entry<String, float[]>> entries();

  /**
   * The {@code min(k, size()-1)} keys nearest to the embedding stored under {@code key}, nearest
   * first, ties broken by key. The query key itself is left out. Approximate (HNSW) with the
   * space's default ef; see {@link #nearestNeighbors(int, String, SearchOptions)}.
   *
   * @param k how many neighbors to return, at least 0
   * @param key the stored key whose embedding is the query
   * @return the neighbors, nearest first
   * @throws KeyNotFoundException if the key is absent
   * @throws InvalidInputException if {@code k} is negative or the key is null or empty
   */
  default List<Neighbor> nearestNeighbors(int k, String key) {
    return nearestNeighbors(k, key, SearchOptions.DEFAULT);
  }

  /**
   * The {@code min(k, size())} keys nearest to {@code vector}, nearest first, ties broken by key.
   * Approximate (HNSW) with the space's default ef.
   *
   * @param k how many neighbors to return, at least 0
   * @param vector the query, of {@link #dimensions()} finite values
   * @return the neighbors, nearest first
   * @throws InvalidInputException if {@code k} is negative or the vector is invalid
   */
  default List<Neighbor> nearestNeighbors(int k, float[] vector) {
    return nearestNeighbors(k, vector, SearchOptions.DEFAULT);
  }

  /**
   * As {@link #nearestNeighbors(int, String)}, with per-query {@code ef} or exact search.
   *
   * @param k how many neighbors to return, at least 0
   * @param key the stored key whose embedding is the query; it is left out of the answer
   * @param options ef, nprobe, target recall or exact search
   * @return the {@code min(k, size()-1)} neighbors, nearest first
   * @throws KeyNotFoundException if the key is absent
   * @throws InvalidInputException if {@code k} is negative, the key is null or empty, or
   *     {@code options} is null
   */
  List<Neighbor> nearestNeighbors(int k, String key, SearchOptions options);

  /**
   * As {@link #nearestNeighbors(int, float[])}, with per-query {@code ef} or exact search.
   *
   * @param k how many neighbors to return, at least 0
   * @param vector the query, of {@link #dimensions()} finite values
   * @param options ef, nprobe, target recall or exact search
   * @return the {@code min(k, size())} neighbors, nearest first
   * @throws InvalidInputException if {@code k} is negative, the vector is invalid or
   *     {@code options} is null
   */
  List<Neighbor> nearestNeighbors(int k, float[] vector, SearchOptions options);
}

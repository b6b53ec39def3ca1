package io.embeddinghub;

import io.embeddinghub.internal.Errors;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A writable vector space: Key-Value reads and writes plus Nearest-Neighbor queries. Both the
 * persistent {@link Space} and the in-memory {@link LocalSpace} implement it, so a downloaded
 * snapshot drops into code written for a space (a training loop, say).
 *
 * <p>Every write validates all of its input before changing anything: keys must be non-null and
 * non-empty, vectors must have {@link #dimensions()} finite values (and be non-zero for cosine).
 * On {@link Space} each write call is one atomic version.
 */
public interface EmbeddingSpace extends ReadableSpace {

  /**
   * Sets (inserts or replaces) one key.
   *
   * @param key the key, non-null and non-empty
   * @param embedding the vector, of {@link #dimensions()} finite values (copied)
   * @throws InvalidInputException if the key or the vector is invalid
   */
  void set(String key, float[] embedding);

  /**
   * Sets every entry of the map as one atomic change.
   *
   * @param entries keys and their vectors
   * @throws InvalidInputException if the map is null or any key or vector is invalid (then nothing
   *     is set)
   */
  void multiset(Map<String, float[]> entries);

  /**
   * Bulk load: sets every entry the iterator yields as one atomic change, in bounded memory. When
   * a key repeats, the last value wins.
   *
   * @param entries the keys and vectors to set, consumed once
   * @throws InvalidInputException if the iterator is null or yields an invalid entry (then nothing
   *     is set)
   */
  void multiset(Iterator<? extends Map.Entry<String, float[]>> entries);

  /**
   * Bulk load from a stream, which is closed afterwards; see {@link #multiset(Iterator)}.
   *
   * @param entries the keys and vectors to set
   * @throws InvalidInputException if the stream is null or yields an invalid entry (then nothing is
   *     set)
   */
  default void multiset(Stream<? extends Map.Entry<String, float[]>> entries) {
    Errors.checkNotNull(entries, "entries");
    try (Stream<? extends Map.Entry<String, float[]>> s = entries) {
      multiset(s.iterator());
    }
  }

  /**
   * Deletes one key.
   *
   * @param key the key, non-null and non-empty
   * @return whether it was present
   * @throws InvalidInputException if the key is null or empty
   */
  boolean delete(String key);

  /**
   * Deletes the keys as one atomic change.
   *
   * @param keys the keys, each non-null and non-empty; absent ones are ignored
   * @return how many of them were present
   * @throws InvalidInputException if the list is null or holds a null or empty key
   */
  long multidelete(List<String> keys);

  /** Deletes every key (the space itself, its dimensions and metric remain). */
  void deleteAll();
}

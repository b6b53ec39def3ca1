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

  /** Sets (inserts or replaces) one key. */
  void set(String key, float[] embedding);

  /** Sets every entry of the map as one atomic change. */
  void multiset(Map<String, float[]> entries);

  /**
   * Bulk load: sets every entry the iterator yields as one atomic change, in bounded memory. When
   * a key repeats, the last value wins.
   */
  void multiset(Iterator<? extends Map.Entry<String, float[]>> entries);

  /** Bulk load from a stream; see {@link #multiset(Iterator)}. */
  default void multiset(Stream<? extends Map.Entry<String, float[]>> entries) {
    Errors.checkNotNull(entries, "entries");
    try (Stream<? extends Map.Entry<String, float[]>> s = entries) {
      multiset(s.iterator());
    }
  }

  /** Deletes one key; returns whether it was present. */
  boolean delete(String key);

  /** Deletes the keys as one atomic change; returns how many were present. */
  long multidelete(List<String> keys);

  /** Deletes every key (the space itself, its dimensions and metric remain). */
  void deleteAll();
}

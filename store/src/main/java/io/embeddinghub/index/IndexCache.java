package io.embeddinghub.index;

import io.embeddinghub.internal.WeightedLruCache;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Loaded indexes with the rows they search, least recently used first out, bounded by their
 * estimated heap bytes. Keyed by index file path: index files never change, so one entry serves
 * every version and every space (forks included) that references the file. Indexes are loaded
 * lazily, on the first query that needs them; opening a space loads none.
 */
public final class IndexCache {
  private final WeightedLruCache<LoadedIndex> entries;
  private final Set<String> broken = ConcurrentHashMap.newKeySet();

  public IndexCache(long maxBytes) {
    this.entries = new WeightedLruCache<>(maxBytes, LoadedIndex::memoryBytes);
  }

  /** The cached index, loading it with {@code loader} when absent. */
  public LoadedIndex get(String path, Supplier<LoadedIndex> loader) {
    LoadedIndex cached = entries.get(path);
    if (cached != null) {
      return cached;
    }
    LoadedIndex loaded = loader.get();
    entries.put(path, loaded);
    return loaded;
  }

  public void offer(String path, LoadedIndex index) {
    entries.put(path, index);
  }

  /** Remembers that an index file could not be read, so queries stop retrying it. */
  public void markBroken(String path) {
    broken.add(path);
  }

  public boolean isBroken(String path) {
    return broken.contains(path);
  }

  public void invalidate(String path) {
    entries.remove(path);
  }

  /** Number of loaded indexes (for tests and metrics). */
  public int size() {
    return entries.size();
  }
}

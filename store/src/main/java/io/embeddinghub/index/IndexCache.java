package io.embeddinghub.index;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Loaded indexes with the rows they search, least recently used first out, bounded by their
 * estimated heap bytes. Keyed by
 * index file path: index files never change, so one entry serves every version and every space
 * (forks included) that references the file. Indexes are loaded lazily, on the first query that
 * needs them; opening a space loads none.
 */
public final class IndexCache {
  private final long maxBytes;
  private final LinkedHashMap<String, LoadedIndex> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final java.util.Set<String> broken = new java.util.HashSet<>();
  private long bytes;

  public IndexCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The cached index, loading it with {@code loader} when absent. */
  public LoadedIndex get(String path, Supplier<LoadedIndex> loader) {
    synchronized (this) {
      LoadedIndex cached = entries.get(path);
      if (cached != null) {
        return cached;
      }
    }
    LoadedIndex loaded = loader.get();
    offer(path, loaded);
    return loaded;
  }

  public synchronized void offer(String path, LoadedIndex index) {
    long weight = index.memoryBytes();
    if (weight > maxBytes) {
      return;
    }
    LoadedIndex previous = entries.put(path, index);
    if (previous != null) {
      bytes -= previous.memoryBytes();
    }
    bytes += weight;
    Iterator<Map.Entry<String, LoadedIndex>> it = entries.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<String, LoadedIndex> eldest = it.next();
      if (eldest.getKey().equals(path)) {
        continue;
      }
      bytes -= eldest.getValue().memoryBytes();
      it.remove();
    }
  }

  /** Remembers that an index file could not be read, so queries stop retrying it. */
  public synchronized void markBroken(String path) {
    broken.add(path);
  }

  public synchronized boolean isBroken(String path) {
    return broken.contains(path);
  }

  public synchronized void invalidate(String path) {
    LoadedIndex removed = entries.remove(path);
    if (removed != null) {
      bytes -= removed.memoryBytes();
    }
  }

  /** Number of loaded indexes (for tests and metrics). */
  public synchronized int size() {
    return entries.size();
  }
}

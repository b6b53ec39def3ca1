package io.embeddinghub.index;

import io.embeddinghub.internal.SingleFlight;
import io.embeddinghub.internal.WeightedLruCache;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Loaded index partitions, least recently used first out, bounded by their estimated heap bytes.
 * Keyed by index file path: index files never change, so one entry serves every version and every
 * space (forks included) that references the file. Partitions are loaded lazily, on the first
 * query that needs them (opening a space loads none), and once: concurrent first queries wait for
 * one load instead of reading the file twice.
 */
public final class IndexCache {
  private final WeightedLruCache<PartitionIndex> entries;
  private final SingleFlight<PartitionIndex> loading = new SingleFlight<>();
  private final Set<String> broken = ConcurrentHashMap.newKeySet();

  public IndexCache(long maxBytes) {
    this.entries = new WeightedLruCache<>(maxBytes, PartitionIndex::memoryBytes);
  }

  /** The cached partition, loading it with {@code loader} when absent (one load at a time per path). */
  public PartitionIndex get(String path, Supplier<PartitionIndex> loader) {
    PartitionIndex cached = entries.get(path);
    if (cached != null) {
      return cached;
    }
    return loading.load(path, () -> {
      PartitionIndex loaded = entries.get(path); // a load that finished just before this one started
      if (loaded == null) {
        loaded = loader.get();
        entries.put(path, loaded);
      }
      return loaded;
    });
  }

  /** Adds a partition just written, so the first queries need not read it back. */
  public void offer(String path, PartitionIndex index) {
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

  /** Number of loaded partitions (for tests and metrics). */
  public int size() {
    return entries.size();
  }

  /** Estimated heap bytes of the loaded partitions ({@link PartitionIndex#memoryBytes}). */
  public long bytes() {
    return entries.weight();
  }
}

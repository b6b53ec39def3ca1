package io.embeddinghub.format;

import io.embeddinghub.internal.SingleFlight;
import io.embeddinghub.internal.WeightedLruCache;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.DataFile;
import org.apache.hadoop.conf.Configuration;

/**
 * Data file contents, least recently used first out, bounded by an estimate of heap bytes. Data
 * files never change once written, so an entry keyed by path is valid for every version and
 * every space (forks included) that references the file. Thread-safe; loads are single-flight:
 * concurrent first reads of a file wait for one load instead of reading it twice (a reader that
 * needs only keys also waits for a running load of the whole file).
 */
public final class FileContentsCache {
  private final FileIO io;
  private final Configuration conf;
  private final WeightedLruCache<FileContents> entries;
  /** Running loads by path, of the keys only and of the whole file. */
  private final SingleFlight<FileContents> loadingKeys = new SingleFlight<>();
  private final SingleFlight<FileContents> loadingFull = new SingleFlight<>();

  public FileContentsCache(FileIO io, Configuration conf, long maxBytes) {
    this.io = io;
    this.conf = conf;
    this.entries = new WeightedLruCache<>(maxBytes, FileContents::weightBytes);
  }

  /** The file's keys (its embeddings may or may not be loaded). */
  public FileContents keys(DataFile file, int dimensions) {
    return get(file, dimensions, true);
  }

  /** The file's keys and embeddings. */
  public FileContents full(DataFile file, int dimensions) {
    return get(file, dimensions, false);
  }

  /**
   * The file's contents if they are cached with what is needed (embeddings when {@code
   * withVectors}), else null; never loads.
   */
  public FileContents cached(String path, boolean withVectors) {
    FileContents cached = entries.get(path);
    return cached != null && (!withVectors || cached.hasVectors()) ? cached : null;
  }

  /** The cached contents, or else the result of a running load that has them, or else a new load. */
  private FileContents get(DataFile file, int dimensions, boolean keysOnly) {
    String path = file.path();
    FileContents cached = entries.get(path);
    if (cached != null && (keysOnly || cached.hasVectors())) {
      return cached;
    }
    FileContents full = loadingFull.awaitRunning(path);
    if (full != null) {
      return full;
    }
    return (keysOnly ? loadingKeys : loadingFull).load(path, () -> {
      FileContents loaded = entries.get(path); // a load that finished just before this one started
      if (loaded != null && (keysOnly || loaded.hasVectors())) {
        return loaded;
      }
      return store(path, ParquetDataFiles.read(io, conf, file, dimensions, keysOnly));
    });
  }

  /** Offers freshly written contents, so that a commit's lookups need not read them back. */
  public void offer(String path, FileContents contents) {
    store(path, contents);
  }

  private FileContents store(String path, FileContents contents) {
    entries.put(path, contents);
    return contents;
  }

  /** Drops a file (after it was deleted). */
  public void invalidate(String path) {
    entries.remove(path);
  }
}

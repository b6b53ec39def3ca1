package io.embeddinghub.format;

import io.embeddinghub.internal.WeightedLruCache;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.DataFile;
import org.apache.hadoop.conf.Configuration;

/**
 * Data file contents, least recently used first out, bounded by an estimate of heap bytes. Data
 * files never change once written, so an entry keyed by path is valid for every version and
 * every space (forks included) that references the file. Thread-safe; a file may be loaded twice
 * by racing readers, which is harmless.
 */
public final class FileContentsCache {
  private final FileIO io;
  private final Configuration conf;
  private final WeightedLruCache<FileContents> entries;

  public FileContentsCache(FileIO io, Configuration conf, long maxBytes) {
    this.io = io;
    this.conf = conf;
    this.entries = new WeightedLruCache<>(maxBytes, FileContents::weightBytes);
  }

  /** The file's keys (its embeddings may or may not be loaded). */
  public FileContents keys(DataFile file, int dimensions) {
    FileContents cached = entries.get(file.path());
    if (cached != null) {
      return cached;
    }
    return store(file.path(), ParquetDataFiles.read(io, conf, file, dimensions, true));
  }

  /** The file's keys and embeddings. */
  public FileContents full(DataFile file, int dimensions) {
    FileContents cached = entries.get(file.path());
    if (cached != null && cached.hasVectors()) {
      return cached;
    }
    return store(file.path(), ParquetDataFiles.read(io, conf, file, dimensions, false));
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

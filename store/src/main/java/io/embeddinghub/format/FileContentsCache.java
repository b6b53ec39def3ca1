package io.embeddinghub.format;

import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.DataFile;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Least-recently-used cache of data file contents, bounded by an estimate of heap bytes. Data
 * files never change once written, so an entry keyed by path is valid for every version and
 * every space (forks included) that references the file. Thread-safe; a file may be loaded twice
 * by racing readers, which is harmless.
 */
public final class FileContentsCache {
  private final FileIO io;
  private final Configuration conf;
  private final long maxBytes;
  private final LinkedHashMap<String, FileContents> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  public FileContentsCache(FileIO io, Configuration conf, long maxBytes) {
    this.io = io;
    this.conf = conf;
    this.maxBytes = maxBytes;
  }

  /** The file's keys (its embeddings may or may not be loaded). */
  public FileContents keys(DataFile file, int dimensions) {
    FileContents cached = lookup(file.path());
    if (cached != null) {
      return cached;
    }
    return store(file.path(), ParquetDataFiles.read(io, conf, file, dimensions, true));
  }

  /** The file's keys and embeddings. */
  public FileContents full(DataFile file, int dimensions) {
    FileContents cached = lookup(file.path());
    if (cached != null && cached.hasVectors()) {
      return cached;
    }
    return store(file.path(), ParquetDataFiles.read(io, conf, file, dimensions, false));
  }

  /** Offers freshly written contents, so that a commit's lookups need not read them back. */
  public void offer(String path, FileContents contents) {
    store(path, contents);
  }

  private synchronized FileContents lookup(String path) {
    return entries.get(path);
  }

  private synchronized FileContents store(String path, FileContents contents) {
    long weight = contents.weightBytes();
    if (weight > maxBytes) {
      return contents;
    }
    FileContents previous = entries.put(path, contents);
    if (previous != null) {
      bytes -= previous.weightBytes();
    }
    bytes += weight;
    Iterator<Map.Entry<String, FileContents>> it = entries.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<String, FileContents> eldest = it.next();
      if (eldest.getKey().equals(path)) {
        continue;
      }
      bytes -= eldest.getValue().weightBytes();
      it.remove();
    }
    return contents;
  }

  /** Drops a file (after it was deleted). */
  public synchronized void invalidate(String path) {
    FileContents removed = entries.remove(path);
    if (removed != null) {
      bytes -= removed.weightBytes();
    }
  }
}

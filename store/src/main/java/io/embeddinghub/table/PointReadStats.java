package io.embeddinghub.table;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a hub's point reads did: how many files they read and rows they decoded (tests and
 * benchmarks check that point reads were used and skipped pages), and per data file how many
 * lookups it served, so that a file read again and again is loaded whole into the cache instead
 * ({@code embeddinghub.read.point-lookup.load-after}). Remembers the most recently read files
 * only. Thread-safe.
 */
public final class PointReadStats {
  private static final int TRACKED_FILES = 4096;

  private final int loadAfter;
  private final AtomicLong fileReads = new AtomicLong();
  private final AtomicLong rowsDecoded = new AtomicLong();
  private final Map<String, Integer> lookupsByFile =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
          return size() > TRACKED_FILES;
        }
      };

  PointReadStats(int loadAfter) {
    this.loadAfter = loadAfter;
  }

  /** Whether the next lookup in {@code path} should load the file whole (it has served enough point reads). */
  synchronized boolean shouldLoad(String path) {
    return loadAfter > 0 && lookupsByFile.getOrDefault(path, 0) >= loadAfter;
  }

  synchronized void recordRead(String path, long rows) {
    lookupsByFile.merge(path, 1, Integer::sum);
    fileReads.incrementAndGet();
    rowsDecoded.addAndGet(rows);
  }

  /** Data file point reads so far (one per file per lookup). */
  public long fileReads() {
    return fileReads.get();
  }

  /** Rows the point reads decoded so far (the rows of the pages they could not skip). */
  public long rowsDecoded() {
    return rowsDecoded.get();
  }
}

package io.embeddinghub.table;

import io.embeddinghub.HubProperties;
import io.embeddinghub.format.FileContentsCache;
import io.embeddinghub.index.IndexCache;
import io.embeddinghub.io.FileIO;
import org.apache.hadoop.conf.Configuration;

/** What every space of one hub shares: file access, settings and the data file cache. */
public final class HubContext {
  private final FileIO io;
  private final Configuration conf;
  private final HubProperties.Resolved settings;
  private final FileContentsCache cache;
  private final IndexCache indexCache;

  public HubContext(FileIO io, Configuration conf) {
    this.io = io;
    this.conf = new Configuration(conf);
    this.conf.setBoolean("parquet.page.verify-checksum.enabled", true);
    this.settings = HubProperties.Resolved.from(conf);
    this.cache = new FileContentsCache(io, this.conf, settings.cacheMaxBytes());
    this.indexCache = new IndexCache(settings.indexCacheMaxBytes());
  }

  public IndexCache indexCache() {
    return indexCache;
  }

  public FileIO io() {
    return io;
  }

  public Configuration conf() {
    return conf;
  }

  public HubProperties.Resolved settings() {
    return settings;
  }

  public FileContentsCache cache() {
    return cache;
  }

  /** Wall-clock milliseconds (one place, so commit timestamps have one source). */
  public long nowMillis() {
    return System.currentTimeMillis();
  }
}

package io.embeddinghub.table;

import io.embeddinghub.HubProperties;
import io.embeddinghub.format.FileContentsCache;
import io.embeddinghub.index.IndexCache;
import io.embeddinghub.io.FileIO;
import java.time.Clock;
import org.apache.hadoop.conf.Configuration;

/** What every space of one hub shares: file access, settings and the data file cache. */
public final class HubContext {
  private final FileIO io;
  private final Clock clock;
  private final Configuration conf;
  private final HubProperties.Resolved settings;
  private final FileContentsCache cache;
  private final IndexCache indexCache;
  private final PointReadStats pointReads;
  private final MemoryBudget memory;
  private final io.embeddinghub.format.FileTail.Checked tailsChecked = new io.embeddinghub.format.FileTail.Checked();
  private final java.util.concurrent.atomic.AtomicLong graphBuilds = new java.util.concurrent.atomic.AtomicLong();
  private final FilterMemo filterMemo = new FilterMemo();

  public HubContext(FileIO io, Configuration conf) {
    this(io, conf, Clock.systemUTC());
  }

  /**
   * A context whose commit timestamps and vacuum cutoffs read {@code clock} (tests and
   * simulations move time without sleeping; file modification times stay the file system's).
   */
  public HubContext(FileIO io, Configuration conf, Clock clock) {
    this.io = io;
    this.clock = clock;
    this.conf = new Configuration(conf);
    this.conf.setBoolean("parquet.page.verify-checksum.enabled", true);
    this.settings = HubProperties.Resolved.from(conf);
    this.cache = new FileContentsCache(io, this.conf, settings.cacheMaxBytes());
    this.indexCache = new IndexCache(settings.indexCacheMaxBytes());
    this.pointReads = new PointReadStats(settings.pointLookupLoadAfter());
    this.memory = MemoryBudget.of(settings);
  }

  /** How this JVM's heap is divided between the caches and the task running here. */
  public MemoryBudget memory() {
    return memory;
  }

  /** The data files whose tails (bloom filters, page indexes, footer) point reads found intact. */
  public io.embeddinghub.format.FileTail.Checked tailsChecked() {
    return tailsChecked;
  }

  /** What filtered searches learnt about the filter of their last batch. */
  public FilterMemo filterMemo() {
    return filterMemo;
  }

  /** What this hub's point reads of data files did. */
  public PointReadStats pointReads() {
    return pointReads;
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

  private final AutoIndexer autoIndexer = new AutoIndexer();

  /** The background index builds of this hub's spaces. */
  public AutoIndexer autoIndexer() {
    return autoIndexer;
  }

  /** Counts an HNSW graph built through this hub (tests assert that writes build none). */
  void countGraphBuild() {
    graphBuilds.incrementAndGet();
  }

  /** HNSW graphs built through this hub so far. */
  public long graphBuilds() {
    return graphBuilds.get();
  }

  /** The clock's milliseconds (one place, so commit timestamps and vacuum cutoffs have one source). */
  public long nowMillis() {
    return clock.millis();
  }
}

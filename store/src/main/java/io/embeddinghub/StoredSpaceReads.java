package io.embeddinghub;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.table.StateReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/** The read interface of a stored space, over the version {@link #reader()} pins for each call. */
abstract class StoredSpaceReads implements ReadableSpace {
  private static final int MULTIGET_BATCH = 1024;

  /** A reader over the version this call should see. */
  abstract StateReader reader();

  /** The spec of the space. */
  public abstract SpaceSpec spec();

  /** The space's name. */
  public String name() {
    return spec().name();
  }

  @Override
  public int dimensions() {
    return spec().dimensions();
  }

  @Override
  public Metric metric() {
    return spec().metric();
  }

  @Override
  public long size() {
    return reader().state().size();
  }

  @Override
  public boolean contains(String key) {
    return reader().contains(key);
  }

  @Override
  public float[] get(String key) {
    return reader().get(key);
  }

  @Override
  public Optional<float[]> find(String key) {
    return reader().find(key);
  }

  @Override
  public List<float[]> multiget(List<String> keys) {
    Errors.checkNotNull(keys, "keys");
    return reader().multiget(keys);
  }

  @Override
  public Iterator<float[]> multiget(Iterator<String> keys) {
    Errors.checkNotNull(keys, "keys");
    StateReader pinned = reader();
    return new Iterator<>() {
      private Iterator<float[]> batch = List.<float[]>of().iterator();

      @Override
      public boolean hasNext() {
        if (batch.hasNext()) {
          return true;
        }
        List<String> next = new ArrayList<>(MULTIGET_BATCH);
        while (next.size() < MULTIGET_BATCH && keys.hasNext()) {
          next.add(keys.next());
        }
        batch = pinned.multiget(next).iterator();
        return batch.hasNext();
      }

      @Override
      public float[] next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return batch.next();
      }
    };
  }

  @Override
  public Map<String, float[]> findAll(List<String> keys) {
    Errors.checkNotNull(keys, "keys");
    return reader().findAll(keys);
  }

  @Override
  public Iterator<Map.Entry<String, float[]>> entries() {
    return reader().entries();
  }

  @Override
  public List<Neighbor> nearestNeighbors(int k, String key, SearchOptions options) {
    Errors.checkK(k);
    Errors.checkNotNull(options, "options");
    StateReader pinned = reader();
    float[] query = pinned.get(key);
    return pinned.nearest(k, query, options, key);
  }

  @Override
  public List<Neighbor> nearestNeighbors(int k, float[] vector, SearchOptions options) {
    Errors.checkK(k);
    Errors.checkNotNull(options, "options");
    Errors.checkQuery(vector, dimensions(), metric());
    return reader().nearest(k, vector, options, null);
  }

  /**
   * What a search with {@code options} does on this version: the ef and nprobe it uses (chosen
   * for a {@link SearchOptions#targetRecall}) and the recall@10 the index's build-time
   * measurements predict for them.
   */
  public SearchPlan searchPlan(SearchOptions options) {
    Errors.checkNotNull(options, "options");
    return io.embeddinghub.table.RecallEstimate.plan(reader().state(), options);
  }

  /** The index partitions of this version, in the order they were built. */
  public List<IndexPartitionInfo> indexPartitions() {
    List<IndexPartitionInfo> out = new ArrayList<>();
    for (io.embeddinghub.log.IndexPartition p : reader().state().partitions()) {
      out.add(new IndexPartitionInfo(p.path(), p.build(), p.rows(), p.sizeBytes(), p.dataFiles().size(), p.hasCentroid()));
    }
    return out;
  }

  /** Live rows no index partition covers yet (searched exactly until {@link Space#buildIndex()}). */
  public long unindexedRows() {
    return reader().state().unindexedRows();
  }

  /** An in-memory copy of the version {@link #reader()} pins. */
  LocalSpace downloadPinned() {
    StateReader pinned = reader();
    LocalSpace local = new LocalSpace(spec());
    local.load(pinned.entries());
    return local;
  }
}

package io.embeddinghub;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.table.HubContext;
import io.embeddinghub.table.StateReader;
import io.embeddinghub.table.Vacuum;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;

/**
 * The read interface of a stored space, over the version {@link #reader()} pins for each call. A
 * data file missing because a vacuum expired the pinned version is reported as that
 * ({@link VersionNotFoundException}), not as a corrupt file.
 */
abstract class StoredSpaceReads implements ReadableSpace {
  private static final int MULTIGET_BATCH = 1024;

  /** A reader over the version this call should see. */
  abstract StateReader reader();

  /** The hub's shared context. */
  abstract HubContext context();

  /** {@code read} of {@code pinned}, with a data file deleted by vacuum reported as such. */
  private <T> T read(StateReader pinned, Function<StateReader, T> read) {
    return Vacuum.readPinned(context(), pinned.state(), () -> read.apply(pinned));
  }

  /** {@return the spec of the space} */
  public abstract SpaceSpec spec();

  /** {@return the space's name} */
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
    return read(reader(), r -> r.contains(key));
  }

  @Override
  public float[] get(String key) {
    return read(reader(), r -> r.get(key));
  }

  @Override
  public Optional<float[]> find(String key) {
    return read(reader(), r -> r.find(key));
  }

  @Override
  public List<float[]> multiget(List<String> keys) {
    Errors.checkNotNull(keys, "keys");
    return read(reader(), r -> r.multiget(keys));
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
        batch = read(pinned, r -> r.multiget(next)).iterator();
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
    return read(reader(), r -> r.findAll(keys));
  }

  @Override
  public Iterator<Map.Entry<String, float[]>> entries() {
    StateReader pinned = reader();
    Iterator<Map.Entry<String, float[]>> rows = pinned.entries();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return read(pinned, r -> rows.hasNext());
      }

      @Override
      public Map.Entry<String, float[]> next() {
        return read(pinned, r -> rows.next());
      }
    };
  }

  @Override
  public List<Neighbor> nearestNeighbors(int k, String key, SearchOptions options) {
    return read(reader(), r -> r.nearestToKey(k, key, options));
  }

  @Override
  public List<Neighbor> nearestNeighbors(int k, float[] vector, SearchOptions options) {
    return read(reader(), r -> r.nearestToVector(k, vector, options));
  }

  /**
   * What a search with {@code options} does on this version: the ef and nprobe it uses (chosen
   * for a {@link SearchOptions#targetRecall}) and the recall@10 the index's build-time
   * measurements predict for them.
   *
   * @param options the search options to plan
   * @return the resolved ef, nprobe and estimated recall
   * @throws InvalidInputException if {@code options} is null
   */
  public SearchPlan searchPlan(SearchOptions options) {
    Errors.checkNotNull(options, "options");
    return io.embeddinghub.table.RecallEstimate.plan(reader().state(), options);
  }

  /** {@return the data files of this version, by bucket and then smallest key} */
  public List<DataFileInfo> dataFiles() {
    List<DataFileInfo> out = new ArrayList<>();
    for (io.embeddinghub.log.LiveFile f : reader().state().files()) {
      io.embeddinghub.log.DataFile d = f.file();
      out.add(new DataFileInfo(d.path(), d.bucket(), d.rows(), f.liveRows(), d.sizeBytes(), d.minKey(), d.maxKey()));
    }
    out.sort(java.util.Comparator.comparingInt(DataFileInfo::bucket)
        .thenComparing(DataFileInfo::minKey, io.embeddinghub.log.KeyOrder.COMPARATOR));
    return out;
  }

  /** {@return the index partitions of this version, in the order they were built} */
  public List<IndexPartitionInfo> indexPartitions() {
    List<IndexPartitionInfo> out = new ArrayList<>();
    for (io.embeddinghub.log.IndexPartition p : reader().state().partitions()) {
      out.add(new IndexPartitionInfo(p.path(), p.build(), p.rows(), p.sizeBytes(), p.dataFiles(), p.hasCentroid()));
    }
    return out;
  }

  /**
   * {@return the live rows no index partition covers yet} They are searched exactly until
   * {@link Space#buildIndex()}.
   */
  public long unindexedRows() {
    return reader().state().unindexedRows();
  }

  /** An in-memory copy of the version {@link #reader()} pins. */
  LocalSpace downloadPinned() {
    LocalSpace local = new LocalSpace(spec());
    local.load(entries());
    return local;
  }
}

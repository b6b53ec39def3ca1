package io.embeddinghub.table;

import io.embeddinghub.CorruptFileException;
import io.embeddinghub.Metric;
import io.embeddinghub.Neighbor;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.index.IndexFiles;
import io.embeddinghub.index.IndexedRows;
import io.embeddinghub.index.RowHit;
import io.embeddinghub.index.LoadedIndex;
import io.embeddinghub.internal.Distances;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.internal.TopK;
import io.embeddinghub.format.FileContents;
import io.embeddinghub.format.KeyBuckets;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads of one immutable version of a space. Point reads go to the key's bucket and, within it,
 * to the files whose key range holds the key; every answer reflects exactly {@code state}.
 */
public final class StateReader {
  private static final Logger LOG = LoggerFactory.getLogger(StateReader.class);

  private final HubContext ctx;
  private final SpaceState state;
  private final int dimensions;

  public StateReader(HubContext ctx, SpaceState state) {
    this.ctx = ctx;
    this.state = state;
    this.dimensions = state.metadata().spec().dimensions();
  }

  public SpaceState state() {
    return state;
  }

  private String spaceName() {
    return state.metadata().spec().name();
  }

  /** Where a key's live row is. */
  public record RowRef(LiveFile file, int position) {}

  /** The live row holding {@code key}, or null when absent. */
  public RowRef locate(String key) {
    int bucket = KeyBuckets.bucketOf(key, state.metadata().spec().buckets());
    return locateIn(state.filesInBucket(bucket), key);
  }

  /** The live row holding {@code key} among {@code files}, or null. */
  RowRef locateIn(List<LiveFile> files, String key) {
    for (LiveFile f : files) {
      if (!f.file().mayContain(key)) {
        continue;
      }
      int position = ctx.cache().keys(f.file(), dimensions).indexOf(key);
      if (position >= 0 && f.isLive(position)) {
        return new RowRef(f, position);
      }
    }
    return null;
  }

  public Optional<float[]> find(String key) {
    Errors.checkKey(key);
    RowRef ref = locate(key);
    return ref == null ? Optional.empty() : Optional.of(vectorAt(ref));
  }

  public float[] get(String key) {
    return find(key).orElseThrow(() -> Errors.keysNotFound(spaceName(), List.of(key)));
  }

  public boolean contains(String key) {
    Errors.checkKey(key);
    return locate(key) != null;
  }

  public List<float[]> multiget(List<String> keys) {
    List<float[]> result = new ArrayList<>(keys.size());
    List<String> missing = new ArrayList<>();
    for (String key : keys) {
      Errors.checkKey(key);
      RowRef ref = locate(key);
      if (ref == null) {
        missing.add(key);
        result.add(null);
      } else {
        result.add(vectorAt(ref));
      }
    }
    if (!missing.isEmpty()) {
      throw Errors.keysNotFound(spaceName(), missing);
    }
    return result;
  }

  public Map<String, float[]> findAll(List<String> keys) {
    Map<String, float[]> found = new LinkedHashMap<>();
    for (String key : keys) {
      Errors.checkKey(key);
      RowRef ref = locate(key);
      if (ref != null) {
        found.put(key, vectorAt(ref));
      }
    }
    return found;
  }

  private float[] vectorAt(RowRef ref) {
    return ctx.cache().full(ref.file().file(), dimensions).vector(ref.position());
  }

  /** Every live row, file by file. */
  public Iterator<Map.Entry<String, float[]>> entries() {
    Iterator<LiveFile> files = new ArrayList<>(state.files()).iterator();
    return new Iterator<>() {
      private LiveFile file;
      private FileContents contents;
      private int next;

      @Override
      public boolean hasNext() {
        while (true) {
          if (contents != null) {
            while (next < contents.rows() && !file.isLive(next)) {
              next++;
            }
            if (next < contents.rows()) {
              return true;
            }
          }
          if (!files.hasNext()) {
            return false;
          }
          file = files.next();
          contents = ctx.cache().full(file.file(), dimensions);
          next = 0;
        }
      }

      @Override
      public Map.Entry<String, float[]> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int row = next++;
        return new AbstractMap.SimpleImmutableEntry<>(contents.key(row), contents.vector(row));
      }
    };
  }

  /**
   * The {@code k} live rows nearest to {@code query}, leaving out {@code excludedKey}. Each live
   * file is searched on its own — by its HNSW index, over-fetching past rows deleted in this
   * version, or exactly when the options ask for it, when the file has no index, or when its
   * index is missing or corrupt (logged once, naming the file) or yields too few live rows — and
   * the per-file top-k are merged by exact distance, then key. So the answer always has
   * {@code min(k, live rows)} entries and never holds a deleted or overwritten vector.
   */
  public List<Neighbor> nearest(int k, float[] query, SearchOptions options, String excludedKey) {
    if (k == 0) {
      return List.of();
    }
    SpaceSpec spec = state.metadata().spec();
    Metric metric = spec.metric();
    int ef = options.ef() > 0 ? options.ef() : spec.indexParams().ef();
    float[] prepared = IndexedRows.prepareQuery(query, metric);
    TopK top = new TopK(k);
    for (LiveFile f : state.files()) {
      LoadedIndex loaded = options.exact() ? null : index(f, metric);
      FileContents contents = loaded != null ? loaded.contents() : ctx.cache().full(f.file(), dimensions);
      int excludedRow =
          excludedKey != null && f.file().mayContain(excludedKey) ? contents.indexOf(excludedKey) : -1;
      long candidates = f.liveRows() - (excludedRow >= 0 && f.isLive(excludedRow) ? 1 : 0);
      int need = (int) Math.min(k, candidates);
      if (need == 0) {
        continue;
      }
      IntPredicate accept = row -> row != excludedRow && f.isLive(row);
      List<RowHit> hits = loaded == null ? List.of() : loaded.index().search(prepared, need, ef, accept);
      if (hits.size() >= need) {
        for (RowHit hit : hits) {
          offer(top, contents, hit.row(), query, metric);
        }
      } else {
        for (int row = 0; row < contents.rows(); row++) {
          if (accept.test(row)) {
            offer(top, contents, row, query, metric);
          }
        }
      }
    }
    return top.result();
  }

  private void offer(TopK top, FileContents contents, int row, float[] query, Metric metric) {
    top.offer(contents.key(row), Distances.distance(metric, query, contents.flatVectors(), row * dimensions));
  }

  /** The file's index with its rows, or null when it has none or it cannot be read. */
  private LoadedIndex index(LiveFile f, Metric metric) {
    String path = f.file().indexPath();
    if (path == null || ctx.indexCache().isBroken(path)) {
      return null;
    }
    try {
      return ctx.indexCache()
          .get(
              path,
              () -> {
                FileContents contents = ctx.cache().full(f.file(), dimensions);
                float[] prepared = IndexedRows.prepare(contents.flatVectors(), dimensions, metric);
                return new LoadedIndex(
                    contents,
                    IndexFiles.read(ctx.io(), path, metric, dimensions, contents.rows(), prepared));
              });
    } catch (CorruptFileException e) {
      ctx.indexCache().markBroken(path);
      LOG.warn("{}; searching that data file exactly instead (optimize rebuilds its index)", e.getMessage());
      return null;
    }
  }
}

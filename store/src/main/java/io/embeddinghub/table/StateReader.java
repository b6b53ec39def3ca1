package io.embeddinghub.table;

import io.embeddinghub.Metric;
import io.embeddinghub.Neighbor;
import io.embeddinghub.internal.Distances;
import io.embeddinghub.internal.Errors;
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
import java.util.PriorityQueue;

/**
 * Reads of one immutable version of a space. Point reads go to the key's bucket and, within it,
 * to the files whose key range holds the key; every answer reflects exactly {@code state}.
 */
public final class StateReader {
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

  /** The {@code k} rows nearest to {@code query} by exact scan, leaving out {@code excludedKey}. */
  public List<Neighbor> nearestExact(int k, float[] query, String excludedKey) {
    Metric metric = state.metadata().spec().metric();
    TopK top = new TopK(k);
    if (k == 0) {
      return List.of();
    }
    for (LiveFile f : state.files()) {
      FileContents contents = ctx.cache().full(f.file(), dimensions);
      float[] data = contents.flatVectors();
      for (int row = 0; row < contents.rows(); row++) {
        if (!f.isLive(row)) {
          continue;
        }
        String key = contents.key(row);
        if (key.equals(excludedKey)) {
          continue;
        }
        top.offer(key, Distances.distance(metric, query, data, row * dimensions));
      }
    }
    return top.result();
  }

  /** Keeps the k best neighbors seen, by {@link Neighbor#ORDER}. */
  static final class TopK {
    private final int k;
    private final PriorityQueue<Neighbor> heap;

    TopK(int k) {
      this.k = k;
      this.heap = new PriorityQueue<>(Math.max(1, k), Neighbor.ORDER.reversed());
    }

    void offer(String key, float distance) {
      if (k == 0) {
        return;
      }
      if (heap.size() < k) {
        heap.add(new Neighbor(key, distance));
        return;
      }
      Neighbor worst = heap.peek();
      if (distance < worst.distance() || (distance == worst.distance() && key.compareTo(worst.key()) < 0)) {
        heap.poll();
        heap.add(new Neighbor(key, distance));
      }
    }

    List<Neighbor> result() {
      List<Neighbor> out = new ArrayList<>(heap);
      out.sort(Neighbor.ORDER);
      return out;
    }
  }
}

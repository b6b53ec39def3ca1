package io.embeddinghub.table;

import io.embeddinghub.HubProperties;
import io.embeddinghub.format.FileContents;
import io.embeddinghub.format.KeyBuckets;
import io.embeddinghub.format.ParquetPointReads;
import io.embeddinghub.log.KeyOrder;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.internal.ReadThreads;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * The live rows of a small batch of keys in one version, looked up file by file: each key only in
 * its bucket's files whose key range holds it, until its live row is found. A file whose contents
 * are cached answers from memory; any other is point-read ({@link ParquetPointReads}: only the
 * row groups and pages that can hold its keys) unless it has served enough point reads to be
 * loaded whole into the cache ({@link PointReadStats#shouldLoad}). Answers equal the per-key
 * in-memory path's: a key's live row is unique in a version.
 */
final class KeyLookup {
  /** A key's live row; {@code vector} is null when only keys were asked for. */
  record Found(String key, LiveFile file, int position, float[] vector) {}

  private KeyLookup() {}

  /** Whether a lookup of {@code keys} keys takes this path ({@code embeddinghub.read.point-lookup.max-keys}). */
  static boolean applies(HubContext ctx, long keys) {
    return keys <= ctx.settings().pointLookupMaxKeys();
  }

  /**
   * The live rows of {@code keys} in {@code state}, by key; absent keys are left out. Buckets are
   * looked up side by side ({@link HubProperties#READ_THREADS}); a bucket's files one after the
   * other, each only for the keys still unresolved.
   */
  static Map<String, Found> find(HubContext ctx, SpaceState state, Collection<String> keys, boolean withVectors) {
    int dims = state.metadata().spec().dimensions();
    int buckets = state.metadata().spec().buckets();
    Map<Integer, TreeSet<String>> byBucket = new TreeMap<>();
    for (String key : keys) {
      byBucket.computeIfAbsent(KeyBuckets.bucketOf(key, buckets), b -> new TreeSet<>(KeyOrder.COMPARATOR)).add(key);
    }
    List<Callable<List<Found>>> lookups = new ArrayList<>(byBucket.size());
    for (Map.Entry<Integer, TreeSet<String>> bucket : byBucket.entrySet()) {
      List<LiveFile> files = state.filesInBucket(bucket.getKey());
      lookups.add(() -> inBucket(ctx, files, bucket.getValue(), dims, withVectors));
    }
    Map<String, Found> found = new HashMap<>();
    for (List<Found> hits : ReadThreads.map(lookups, ctx.settings().readThreads())) {
      for (Found hit : hits) {
        found.put(hit.key(), hit);
      }
    }
    return found;
  }

  /** The live rows of {@code keys} (one bucket's keys, consumed) in {@code files}, looked up in order. */
  static List<Found> inFiles(HubContext ctx, List<LiveFile> files, TreeSet<String> keys, int dims) {
    return inBucket(ctx, files, keys, dims, false);
  }

  /** The live rows of {@code unresolved} (one bucket's keys, consumed) in {@code files}. */
  private static List<Found> inBucket(
      HubContext ctx, List<LiveFile> files, TreeSet<String> unresolved, int dims, boolean withVectors) {
    List<Found> found = new ArrayList<>();
    for (LiveFile f : files) {
      if (unresolved.isEmpty()) {
        break;
      }
      if (f.liveRows() == 0) {
        continue;
      }
      NavigableSet<String> inRange = unresolved.subSet(f.file().minKey(), true, f.file().maxKey(), true);
      if (inRange.isEmpty()) {
        continue;
      }
      List<String> candidates = new ArrayList<>(inRange);
      for (Found hit : inFile(ctx, f, candidates, dims, withVectors)) {
        found.add(hit);
        unresolved.remove(hit.key());
      }
    }
    return found;
  }

  /** The live rows of {@code candidates} in {@code f}. */
  private static List<Found> inFile(HubContext ctx, LiveFile f, List<String> candidates, int dims, boolean withVectors) {
    String path = f.file().path();
    FileContents contents = ctx.cache().cached(path, withVectors);
    if (contents == null && ctx.pointReads().shouldLoad(path)) {
      contents = withVectors ? ctx.cache().full(f.file(), dims) : ctx.cache().keys(f.file(), dims);
    }
    List<Found> out = new ArrayList<>();
    if (contents != null) {
      for (String key : candidates) {
        int position = contents.indexOf(key);
        if (position >= 0 && f.isLive(position)) {
          out.add(new Found(key, f, position, withVectors ? contents.vector(position) : null));
        }
      }
      return out;
    }
    // the point read trusts the file's bloom filters and page indexes: it checks their CRC once per file
    ParquetPointReads.Result read =
        ParquetPointReads.read(ctx.io(), ctx.conf(), f.file(), dims, candidates, withVectors, ctx.tailsChecked());
    ctx.pointReads().recordRead(path, read.rowsDecoded());
    for (ParquetPointReads.Hit hit : read.hits()) {
      if (f.isLive(hit.position())) {
        out.add(new Found(hit.key(), f, hit.position(), hit.vector()));
      }
    }
    return out;
  }
}

package io.embeddinghub.table;

import io.embeddinghub.CorruptFileException;
import io.embeddinghub.FilterStrategy;
import io.embeddinghub.KeyFilter;
import io.embeddinghub.Metric;
import io.embeddinghub.Neighbor;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.format.FileContents;
import io.embeddinghub.format.KeyBuckets;
import io.embeddinghub.index.CoarseQuantizer;
import io.embeddinghub.index.FloatRows;
import io.embeddinghub.index.IndexFile;
import io.embeddinghub.index.IndexedRows;
import io.embeddinghub.index.PartitionIndex;
import io.embeddinghub.index.RowHit;
import io.embeddinghub.index.TailScan;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.internal.KeyReads;
import io.embeddinghub.internal.TopK;
import io.embeddinghub.log.DeletionVector;
import io.embeddinghub.log.IndexPartition;
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
    if (KeyLookup.applies(ctx, 1)) {
      KeyLookup.Found found = KeyLookup.find(ctx, state, List.of(key), true).get(key);
      return found == null ? Optional.empty() : Optional.of(found.vector());
    }
    RowRef ref = locate(key);
    return ref == null ? Optional.empty() : Optional.of(vectorAt(ref));
  }

  public float[] get(String key) {
    return find(key).orElseThrow(() -> Errors.keysNotFound(spaceName(), List.of(key)));
  }

  public boolean contains(String key) {
    Errors.checkKey(key);
    if (KeyLookup.applies(ctx, 1)) {
      return KeyLookup.find(ctx, state, List.of(key), false).containsKey(key);
    }
    return locate(key) != null;
  }

  /**
   * The embeddings of {@code keys} in order; a lookup of few keys (see {@link KeyLookup}) reads
   * uncached files by point reads, more keys load each touched file into the cache.
   */
  public List<float[]> multiget(List<String> keys) {
    KeyReads.checkKeys(keys);
    return KeyReads.multiget(spaceName(), keys, lookupOf(keys));
  }

  public Map<String, float[]> findAll(List<String> keys) {
    KeyReads.checkKeys(keys);
    return KeyReads.findAll(keys, lookupOf(keys));
  }

  /**
   * How {@code keys} are looked up: few keys by point reads of only the row groups that can hold
   * them (see {@link KeyLookup}), fetched together here; more keys one by one through the cache,
   * which loads each touched file. Each answer is a copy (a key asked twice gets two arrays).
   */
  private java.util.function.Function<String, float[]> lookupOf(List<String> keys) {
    if (KeyLookup.applies(ctx, keys.size())) {
      Map<String, KeyLookup.Found> found = KeyLookup.find(ctx, state, keys, true);
      return key -> {
        KeyLookup.Found f = found.get(key);
        return f == null ? null : f.vector().clone();
      };
    }
    return key -> {
      RowRef ref = locate(key);
      return ref == null ? null : vectorAt(ref);
    };
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
   * The {@code k} live rows nearest to {@code query}, leaving out {@code excludedKey}, merged by
   * exact distance, then key. Approximate search probes, for each index build of the version, its
   * partitions without a centroid and the {@code nprobe} nearest ones with a centroid (each an HNSW
   * search whose filter rejects rows deleted in this version, and a scan of the partition when the
   * walk finds fewer than {@code k} accepted rows); it scans the unindexed tail with the SIMD
   * kernels; and it probes further partitions while it holds fewer than {@code min(k, live rows)}.
   * A partition whose file is missing or corrupt (logged once, naming the file) has its build's
   * data files scanned instead. Exact search scans every live row of the data files. So an answer
   * always has {@code min(k, live rows)} entries and never holds a deleted or overwritten vector.
   */
  /**
   * The {@code k} nearest rows to a stored key's embedding, leaving the key out, after the same
   * argument checks as every API's search by key.
   */
  public List<Neighbor> nearestToKey(int k, String key, SearchOptions options) {
    Errors.checkSearch(k, options);
    return nearest(k, get(key), options, key);
  }

  /**
   * The {@code k} nearest rows to a query vector, after the same argument checks as every API's
   * search by vector.
   */
  public List<Neighbor> nearestToVector(int k, float[] vector, SearchOptions options) {
    Errors.checkSearch(k, options);
    Errors.checkQuery(vector, dimensions, state.metadata().spec().metric());
    return nearest(k, vector, options, null);
  }

  /** The unchecked search behind {@link #nearestToKey} and {@link #nearestToVector}. */
  public List<Neighbor> nearest(int k, float[] query, SearchOptions requested, String excludedKey) {
    SearchOptions options = RecallEstimate.resolve(state, requested);
    KeyFilter filter = options.filtered() ? options.filter() : null;
    if (filter instanceof KeyFilter.In allowed && FilterStrategy.of(options, state.size(), dimensions) == FilterStrategy.ALLOWED_KEYS_EXACTLY) {
      return nearestAmong(allowed, k, query, excludedKey);
    }
    RowRef excluded = excludedKey == null ? null : locate(excludedKey);
    long candidates = state.size() - (excluded != null ? 1 : 0);
    int need = (int) Math.min(k, candidates);
    if (need <= 0) {
      return List.of();
    }
    TopK top = new TopK(need);
    if (options.exact()) {
      for (LiveFile f : state.files()) {
        scanExactly(f, query, excludedKey, filter, top);
      }
      return top.result();
    }
    NearestQuery q = new NearestQuery(query, options, excluded, need, top);
    List<List<IndexPartition>> unprobed = new ArrayList<>();
    for (List<IndexPartition> build : state.builds()) {
      unprobed.add(q.probeBuild(build));
    }
    for (LiveFile f : state.unindexedFiles()) {
      q.scanTail(f);
    }
    for (List<IndexPartition> rest : unprobed) {
      for (IndexPartition p : rest) {
        if (top.size() >= need) {
          return top.result();
        }
        q.searchPartition(p);
      }
    }
    return top.result();
  }

  /**
   * How many units a distributed search of this version splits into: one per index partition (for
   * approximate search) and one per key bucket (its unindexed files, or for exact search all its
   * files). Each unit is bounded: one partition, or one bucket's tail.
   */
  public static int searchUnits(SpaceState state, SearchOptions options) {
    return (options.exact() ? 0 : state.partitions().size()) + state.metadata().spec().buckets();
  }

  /** A unit every query visits (the tail of bucket 0), where a join keeps its unanswered queries. */
  public static int firstTailUnit(SpaceState state, SearchOptions options) {
    return options.exact() ? 0 : state.partitions().size();
  }

  /**
   * Whether at most one search unit answers any query: no unindexed rows and one index partition
   * (the tail units a query visits are then empty), or a single unit. Each query's answer then
   * comes whole from one task, with nothing to merge.
   */
  public static boolean oneUnitAnswers(SpaceState state, SearchOptions options) {
    return searchUnits(state, options) == 1
        || (!options.exact() && state.unindexedRows() == 0 && state.partitions().size() == 1);
  }

  /**
   * The search units a query must visit (ascending): the first unit of the tail (bucket 0's, which
   * every query visits) and the units of the other buckets whose unindexed files hold rows (all of
   * them with exact search), every partition of a build that has no centroid, and of each build with centroids the {@code nprobe}
   * partitions whose centroids are nearest to {@code query}. With exact search: every unit.
   */
  public static int[] probedUnits(SpaceState state, SearchOptions requested, float[] query) {
    SearchOptions options = RecallEstimate.resolve(state, requested);
    switch (FilterStrategy.of(options, state.size(), state.metadata().spec().dimensions())) {
      case ALLOWED_KEYS_EXACTLY: // the first tail unit ranks the allowed rows, fetched by key
        return new int[] {firstTailUnit(state, options)};
      case FILTERED_WALK, FILTERED_SCAN: // matching rows may be anywhere: min(k, matching) needs every unit
        return java.util.stream.IntStream.range(0, searchUnits(state, options)).toArray();
      default:
        break;
    }
    int partitionsCount = options.exact() ? 0 : state.partitions().size();
    int buckets = state.metadata().spec().buckets();
    java.util.TreeSet<Integer> units = new java.util.TreeSet<>();
    for (int b = 0; b < buckets; b++) {
      if (b == 0 || options.exact() || state.hasUnindexedRows(b)) { // an empty tail unit answers nothing
        units.add(partitionsCount + b);
      }
    }
    if (partitionsCount > 0) {
      Metric metric = state.metadata().spec().metric();
      float[] prepared = IndexedRows.prepareQuery(query, metric);
      List<IndexPartition> all = List.copyOf(state.partitions());
      Map<String, List<Integer>> routedByBuild = new LinkedHashMap<>();
      for (int u = 0; u < all.size(); u++) {
        if (all.get(u).hasCentroid()) {
          routedByBuild.computeIfAbsent(all.get(u).build(), b -> new ArrayList<>()).add(u);
        } else {
          units.add(u);
        }
      }
      for (List<Integer> routed : routedByBuild.values()) {
        routed.sort(java.util.Comparator.comparingDouble(
            u -> CoarseQuantizer.score(metric, prepared, 0, all.get(u).centroid())));
        int probes = state.metadata().spec().indexParams()
            .probesFor(options.nprobe(), all.get(routed.get(0)).recallAtNprobe());
        units.addAll(routed.subList(0, Math.min(probes, routed.size())));
      }
    }
    return units.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The {@code k} nearest live rows within unit {@code unit} (see {@link #searchUnits}), leaving
   * out {@code excludedKey}; merging every unit's answer by distance, then key, gives
   * {@link #nearest}'s answer with every partition probed.
   */
  public List<Neighbor> nearestInUnit(int unit, int k, float[] query, SearchOptions requested, String excludedKey) {
    SearchOptions options = RecallEstimate.resolve(state, requested);
    if (options.filter() instanceof KeyFilter.In allowed
        && FilterStrategy.of(options, state.size(), dimensions) == FilterStrategy.ALLOWED_KEYS_EXACTLY) {
      return unit == firstTailUnit(state, options) ? nearestAmong(allowed, k, query, excludedKey) : List.of();
    }
    RowRef excluded = excludedKey == null ? null : locate(excludedKey);
    int need = (int) Math.min(k, state.size() - (excluded != null ? 1 : 0));
    if (need <= 0) {
      return List.of();
    }
    TopK top = new TopK(need);
    List<IndexPartition> partitions = options.exact() ? List.of() : List.copyOf(state.partitions());
    NearestQuery q = new NearestQuery(query, options, excluded, need, top);
    if (unit < partitions.size()) {
      IndexPartition p = partitions.get(unit);
      boolean firstOfBuild = partitions.stream().filter(o -> o.build().equals(p.build())).findFirst().get() == p;
      q.searchPartition(p, firstOfBuild);
      return top.result();
    }
    for (LiveFile f : state.filesInBucket(unit - partitions.size())) {
      if (options.exact()) {
        scanExactly(f, query, excludedKey, options.filtered() ? options.filter() : null, top);
      } else if (state.buildCovering(f.file().path()) == null) {
        q.scanTail(f);
      }
    }
    return top.result();
  }

  /**
   * The {@code k} nearest of the live rows whose keys {@code allowed} names, leaving out {@code
   * excludedKey}: their embeddings fetched by key (point reads when they are few), ranked exactly.
   */
  private List<Neighbor> nearestAmong(KeyFilter.In allowed, int k, float[] query, String excludedKey) {
    Map<String, float[]> found = allowedRows(allowed);
    int need = (int) Math.min(k, found.size() - (excludedKey != null && found.containsKey(excludedKey) ? 1 : 0));
    if (need <= 0) {
      return List.of();
    }
    Metric metric = state.metadata().spec().metric();
    TopK top = new TopK(need);
    for (Map.Entry<String, float[]> row : found.entrySet()) {
      if (!row.getKey().equals(excludedKey)) {
        top.offer(row.getKey(), metric.distanceToRow(query, row.getValue(), 0));
      }
    }
    return top.result();
  }

  /** The live rows of an allowed-key set, fetched once for the queries that share the filter. */
  private Map<String, float[]> allowedRows(KeyFilter.In allowed) {
    return ctx.filterMemo().allowedRows(allowed, state, () -> {
      List<String> keys = new ArrayList<>(allowed.keys());
      return KeyReads.findAll(keys, lookupOf(keys));
    });
  }

  /** Offers every live row of {@code f} but {@code excludedKey} that {@code filter} (if any) passes, by exact distance. */
  private void scanExactly(LiveFile f, float[] query, String excludedKey, KeyFilter filter, TopK top) {
    FileContents contents = ctx.cache().full(f.file(), dimensions);
    top.offerRows(state.metadata().spec().metric(), query, contents.flatVectors(), contents.rows(), contents::key,
        row -> f.isLive(row) && (excludedKey == null || !excludedKey.equals(contents.key(row)))
            && (filter == null || filter.test(contents.key(row))));
  }

  /** One approximate query against this version. */
  private final class NearestQuery {
    /** Up to this many allowed rows (or a fiftieth of a partition's) are ranked exactly, not walked. */
    private static final int FEW_NODES = 2048;

    private final float[] query;
    private final float[] prepared;
    private final Metric metric;
    private final int ef;
    private final int requestedNprobe;
    private final io.embeddinghub.IndexParams params;
    private final RowRef excluded;
    private final int need;
    private final TopK top;
    /** The keys the answer may hold, or null for all. */
    private final KeyFilter filter;
    private final java.util.Set<String> scannedBuilds = new java.util.HashSet<>();

    NearestQuery(float[] query, SearchOptions options, RowRef excluded, int need, TopK top) {
      SpaceSpec spec = state.metadata().spec();
      this.filter = options.filtered() ? options.filter() : null;
      this.query = query;
      this.metric = spec.metric();
      this.prepared = IndexedRows.prepareQuery(query, metric);
      this.ef = options.ef() > 0 ? options.ef() : spec.indexParams().ef();
      this.requestedNprobe = options.nprobe();
      this.params = spec.indexParams();
      this.excluded = excluded;
      this.need = need;
      this.top = top;
    }

    /** Searches the build's partitions without centroid and its nprobe nearest; returns the others, nearest first. */
    List<IndexPartition> probeBuild(List<IndexPartition> build) {
      List<IndexPartition> routed = new ArrayList<>();
      for (IndexPartition p : build) {
        if (p.hasCentroid()) {
          routed.add(p);
        } else {
          searchPartition(p);
        }
      }
      float[] scores = new float[routed.size()];
      Map<IndexPartition, Float> score = new java.util.IdentityHashMap<>();
      for (int i = 0; i < scores.length; i++) {
        score.put(routed.get(i), CoarseQuantizer.score(metric, prepared, 0, routed.get(i).centroid()));
      }
      routed.sort(java.util.Comparator.comparing(score::get));
      int probes = routed.isEmpty() ? 0
          : Math.min(params.probesFor(requestedNprobe, routed.get(0).recallAtNprobe()), routed.size());
      for (int i = 0; i < probes; i++) {
        searchPartition(routed.get(i));
      }
      return routed.subList(probes, routed.size());
    }

    void searchPartition(IndexPartition entry) {
      searchPartition(entry, true);
    }

    /**
     * @param scanBuildIfBroken when the partition cannot be read, scan its build's files instead
     *     (distributed searches ask one partition of each build to do it, so rows come once)
     */
    void searchPartition(IndexPartition entry, boolean scanBuildIfBroken) {
      if (scannedBuilds.contains(entry.build())) {
        return;
      }
      PartitionIndex p = partitionIndex(entry);
      if (p == null) {
        if (scanBuildIfBroken) {
          scanBuildExactly(entry.build());
        }
        return;
      }
      List<String> files = p.dataFiles();
      DeletionVector[] deleted = new DeletionVector[files.size()];
      boolean filter = false;
      int excludedFile = -1;
      for (int i = 0; i < deleted.length; i++) {
        LiveFile f = state.file(files.get(i));
        deleted[i] = f.deleted();
        filter |= !f.deleted().isEmpty();
        if (excluded != null && excluded.file().file().path().equals(files.get(i))) {
          excludedFile = i;
          filter = true;
        }
      }
      int excludedPosition = excluded == null ? -1 : excluded.position();
      int exFile = excludedFile;
      IntPredicate live = !filter ? null : node -> {
        int file = p.fileOf(node);
        int position = p.positionOf(node);
        return !(file == exFile && position == excludedPosition) && !deleted[file].contains(position);
      };
      // a filtered walk passes through every row but answers only with rows the filter passes
      IntPredicate accept = this.filter == null ? live
          : live == null ? node -> this.filter.test(p.key(node)) : node -> live.test(node) && this.filter.test(p.key(node));
      FloatRows rows = p.index().floatRows();
      float[] row = new float[dimensions];
      int[] few = this.filter == null ? null : ctx.filterMemo().fewNodes(this.filter, entry.path(), () -> fewNodes(p));
      if (few != null) { // few rows pass: rank them exactly instead of walking a graph of rejections
        for (int node : few) {
          if (live == null || live.test(node)) {
            rows.copy(node, row);
            top.offer(p.key(node), metric.distanceToRow(query, row, 0));
          }
        }
        return;
      }
      List<RowHit> hits = p.index().search(prepared, need, ef, accept);
      if (hits.size() >= need) {
        String[] keys = p.keys(hits);
        for (int i = 0; i < keys.length; i++) {
          rows.copy(hits.get(i).row(), row);
          top.offer(keys[i], metric.distanceToRow(query, row, 0));
        }
        return;
      }
      for (int node = 0; node < p.rows(); node++) { // fewer live (or allowed) rows than k, or a walk cut off by deletions
        if (accept == null || accept.test(node)) {
          rows.copy(node, row);
          top.offer(p.key(node), metric.distanceToRow(query, row, 0));
        }
      }
    }

    /**
     * The nodes of {@code p} the filter passes when they are at most {@value #FEW_NODES} or a
     * fiftieth of its rows (then ranking them exactly is cheaper than a walk that mostly meets
     * rejected rows), else null.
     */
    private int[] fewNodes(PartitionIndex p) {
      int limit = Math.max(FEW_NODES, p.rows() / 50);
      int[] nodes = new int[Math.min(limit, p.rows()) + 1];
      int count = 0;
      for (int node = 0; node < p.rows(); node++) {
        if (filter.test(p.key(node))) {
          if (count == limit) {
            return null;
          }
          nodes[count++] = node;
        }
      }
      return java.util.Arrays.copyOf(nodes, count);
    }

    /** Instead of a build whose partition cannot be read: its data files' rows, exactly. */
    private void scanBuildExactly(String build) {
      scannedBuilds.add(build);
      String excludedKey = excluded == null ? null : ctx.cache().keys(excluded.file().file(), dimensions).key(excluded.position());
      for (LiveFile f : state.files()) {
        if (build.equals(state.buildCovering(f.file().path()))) {
          scanExactly(f, query, excludedKey, filter, top);
        }
      }
    }

    void scanTail(LiveFile f) {
      if (f.liveRows() == 0) {
        return;
      }
      FileContents contents = ctx.cache().full(f.file(), dimensions);
      int excludedRow = excluded != null && excluded.file().file().path().equals(f.file().path()) ? excluded.position() : -1;
      IntPredicate live = f.deleted().isEmpty() && excludedRow < 0 ? null : row -> row != excludedRow && f.isLive(row);
      IntPredicate accept = filter == null ? live
          : live == null ? row -> filter.test(contents.key(row)) : row -> live.test(row) && filter.test(contents.key(row));
      float[] flat = contents.flatVectors();
      for (int row : TailScan.best(prepared, metric, flat, dimensions, contents.rows(), accept, (int) Math.min((long) need + 8, contents.rows()))) {
        top.offer(contents.key(row), metric.distanceToRow(query, flat, row * dimensions));
      }
    }
  }

  /** The partition's index, or null when its file cannot be read. */
  private PartitionIndex partitionIndex(IndexPartition entry) {
    String path = entry.path();
    if (ctx.indexCache().isBroken(path)) {
      return null;
    }
    SpaceSpec spec = state.metadata().spec();
    try {
      return ctx.indexCache().get(path, () -> IndexFile.read(ctx.io(), entry, state.indexBuild(entry.build()), spec.metric(), dimensions));
    } catch (CorruptFileException e) {
      ctx.indexCache().markBroken(path);
      LOG.warn("{}; searching the data files of its index build exactly instead (buildIndex or optimize rebuilds it)",
          e.getMessage());
      return null;
    }
  }
}

package io.embeddinghub.index;

import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Builds HNSW graphs over flat arrays, the algorithm of hnswlib (Malkov and Yashunin): each row is
 * inserted at a random level (seeded, so builds are reproducible on one thread), linked on every
 * level up to it to the neighbours the diversity heuristic picks from an {@code efConstruction}
 * search, with at most {@code 2M} links on layer 0 and {@code M} above; a neighbour whose list
 * overflows is pruned by the same heuristic. Rows are inserted by {@code threads} threads with a
 * lock per link list (striped) and a global lock for a new top level, as hnswlib does.
 */
public final class FlatHnswBuilder implements GraphBuilder {
  public static final String NAME = "embeddinghub-flat";
  public static final String VERSION = "1";
  private static final int LOCK_STRIPES = 1 << 12;
  private static final long SEED = 0x5eed_1234L;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String version() {
    return VERSION;
  }

  @Override
  public HnswGraph build(float[] preparedRows, int dimensions, Metric metric, IndexParams params, int threads) {
    int n = preparedRows.length / dimensions;
    if (n == 0) {
      return HnswGraph.empty();
    }
    return construct(preparedRows, dimensions, metric, params, threads, n).toGraph(null);
  }

  /**
   * The graph renumbered in breadth-first order straight from the construction state: its link
   * lists are renumbered and compacted where they were built, so no second copy of the graph is
   * ever held (see {@link BuildMemory}).
   */
  @Override
  public Ordered buildInBreadthFirstOrder(
      float[] preparedRows, int dimensions, Metric metric, IndexParams params, int threads) {
    int n = preparedRows.length / dimensions;
    if (n == 0) {
      return new Ordered(HnswGraph.empty(), new int[0]);
    }
    Construction c = construct(preparedRows, dimensions, metric, params, threads, n);
    int[] order = c.breadthFirstOrder();
    return new Ordered(c.toGraph(order), order);
  }

  /** Inserts every row; the per-thread scratch is gone when this returns. */
  private static Construction construct(
      float[] preparedRows, int dimensions, Metric metric, IndexParams params, int threads, int n) {
    Construction c = new Construction(preparedRows, dimensions, metric, params, n);
    c.insert(0, null);
    int workers = Math.max(1, Math.min(threads, n / 1000 + 1));
    if (workers == 1) {
      Scratch s = new Scratch(n, c.maxM0);
      for (int node = 1; node < n; node++) {
        c.insert(node, s);
      }
      return c;
    }
    AtomicInteger next = new AtomicInteger(1);
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "hnsw-build");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        running.add(pool.submit(() -> {
          Scratch s = new Scratch(n, c.maxM0); // the worker's own, unreachable when it ends
          for (int node = next.getAndIncrement(); node < n; node = next.getAndIncrement()) {
            c.insert(node, s);
          }
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while building an HNSW graph", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("HNSW build failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return c;
  }

  /** The graph under construction: link lists as {@code [count, ids...]} slots. */
  private static final class Construction {
    private final float[] rows;
    private final int dims;
    private final boolean l2;
    private final int m;
    private final int maxM0;
    private final int efConstruction;
    private final int n;
    private final byte[] levels; // at most 53 (m = 2): a byte each
    /** Layer 0: {@code n} slots of {@code (maxM0 + 1)} ints; renumbered and compacted in place by {@link #toGraph}. */
    private final int[] links0;
    private final int[][] upper; // upper[node]: (levels[node]) slots of (m + 1) ints
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    private final ReentrantLock global = new ReentrantLock();
    private volatile int entryPoint = -1;
    private volatile int maxLevel = -1;

    Construction(float[] rows, int dims, Metric metric, IndexParams params, int n) {
      this.rows = rows;
      this.dims = dims;
      this.l2 = metric == Metric.L2;
      this.m = params.m();
      this.maxM0 = 2 * params.m();
      this.efConstruction = Math.max(params.efConstruction(), params.m());
      this.n = n;
      this.levels = new byte[n];
      SplittableRandom random = new SplittableRandom(SEED);
      double ml = 1 / Math.log(Math.max(2, m));
      for (int i = 0; i < n; i++) {
        levels[i] = (byte) Math.min(Byte.MAX_VALUE, (int) (-Math.log(1 - random.nextDouble()) * ml));
      }
      this.links0 = new int[Math.multiplyExact(n, maxM0 + 1)];
      this.upper = new int[n][];
      for (int i = 0; i < n; i++) {
        if (levels[i] > 0) {
          upper[i] = new int[levels[i] * (m + 1)];
        }
      }
      for (int i = 0; i < LOCK_STRIPES; i++) {
        locks[i] = new ReentrantLock();
      }
    }

    private float distance(int a, int b) {
      VectorKernels k = VectorKernels.best();
      return l2
          ? k.squaredL2(rows, a * dims, rows, b * dims, dims)
          : 1f - k.dot(rows, a * dims, rows, b * dims, dims);
    }

    private ReentrantLock lockOf(int node) {
      return locks[node & (LOCK_STRIPES - 1)];
    }

    /** The link slot of {@code node} on {@code level}: its array and offset (count first). */
    private int[] listArray(int node, int level) {
      return level == 0 ? links0 : upper[node];
    }

    private int listOffset(int node, int level) {
      return level == 0 ? node * (maxM0 + 1) : (level - 1) * (m + 1);
    }

    /** Copies {@code node}'s links on {@code level} into {@code out}; returns their count. */
    private int copyLinks(int node, int level, int[] out) {
      int[] a = listArray(node, level);
      int off = listOffset(node, level);
      ReentrantLock lock = lockOf(node);
      lock.lock();
      try {
        int count = a[off];
        System.arraycopy(a, off + 1, out, 0, count);
        return count;
      } finally {
        lock.unlock();
      }
    }

    /** Inserts {@code node} ({@code s} may be null for the first node only). */
    void insert(int node, Scratch s) {
      int level = levels[node];
      boolean newTop = level > maxLevel;
      if (newTop) {
        global.lock();
      }
      try {
        if (entryPoint < 0) {
          entryPoint = node;
          maxLevel = level;
          return;
        }
        int current = entryPoint;
        int top = maxLevel;
        boolean raises = level > top; // only possible while holding the global lock
        float currentDistance = distance(node, current);
        for (int lc = top; lc > level; lc--) {
          boolean changed = true;
          while (changed) {
            changed = false;
            int count = copyLinks(current, lc, s.links);
            for (int i = 0; i < count; i++) {
              int candidate = s.links[i];
              float d = distance(node, candidate);
              if (d < currentDistance) {
                currentDistance = d;
                current = candidate;
                changed = true;
              }
            }
          }
        }
        for (int lc = Math.min(level, top); lc >= 0; lc--) {
          int found = searchLayer(node, current, currentDistance, lc, s);
          int[] selected = selectNeighbors(s.foundNodes, s.foundScores, found, m, s);
          current = s.foundNodes[0];
          currentDistance = s.foundScores[0];
          setLinks(node, lc, selected);
          for (int neighbor : selected) {
            addLink(neighbor, node, lc, s);
          }
        }
        if (raises) {
          entryPoint = node;
          maxLevel = level;
        }
      } finally {
        if (newTop) {
          global.unlock();
        }
      }
    }

    /**
     * The {@code efConstruction} nearest to {@code node} found on {@code level} from {@code entry},
     * into {@code s.foundNodes}/{@code s.foundScores} nearest first; returns how many.
     */
    private int searchLayer(int node, int entry, float entryDistance, int level, Scratch s) {
      int generation = s.nextGeneration();
      SearchHeap candidates = s.candidates;
      SearchHeap results = s.results;
      candidates.clear();
      results.clear();
      s.visited[entry] = generation;
      candidates.push(entryDistance, entry);
      results.push(-entryDistance, entry);
      float bound = entryDistance;
      while (!candidates.isEmpty()) {
        float d = candidates.topScore();
        if (d > bound && results.size() >= efConstruction) {
          break;
        }
        int c = candidates.topNode();
        candidates.pop();
        int count = copyLinks(c, level, s.links);
        for (int i = 0; i < count; i++) {
          int next = s.links[i];
          if (s.visited[next] == generation) {
            continue;
          }
          s.visited[next] = generation;
          float dn = distance(node, next);
          if (results.size() < efConstruction || dn < bound) {
            candidates.push(dn, next);
            results.push(-dn, next);
            if (results.size() > efConstruction) {
              results.pop();
            }
            bound = -results.topScore();
          }
        }
      }
      int found = results.size();
      s.ensureFound(found);
      for (int i = found - 1; i >= 0; i--) {
        s.foundNodes[i] = results.topNode();
        s.foundScores[i] = -results.topScore();
        results.pop();
      }
      return found;
    }

    /**
     * hnswlib's heuristic: walking candidates nearest first, keeps one unless it is nearer to a
     * kept one than to the base; at most {@code limit}.
     */
    private int[] selectNeighbors(int[] nodes, float[] scores, int count, int limit, Scratch s) {
      if (count <= limit) {
        return Arrays.copyOf(nodes, count);
      }
      int[] kept = new int[limit];
      int keptCount = 0;
      for (int i = 0; i < count && keptCount < limit; i++) {
        int candidate = nodes[i];
        boolean good = true;
        for (int j = 0; j < keptCount; j++) {
          if (distance(candidate, kept[j]) < scores[i]) {
            good = false;
            break;
          }
        }
        if (good) {
          kept[keptCount++] = candidate;
        }
      }
      return Arrays.copyOf(kept, keptCount);
    }

    private void setLinks(int node, int level, int[] neighbors) {
      int[] a = listArray(node, level);
      int off = listOffset(node, level);
      ReentrantLock lock = lockOf(node);
      lock.lock();
      try {
        a[off] = neighbors.length;
        System.arraycopy(neighbors, 0, a, off + 1, neighbors.length);
      } finally {
        lock.unlock();
      }
    }

    /** Adds {@code node} to {@code target}'s links, pruning them by the heuristic when full. */
    private void addLink(int target, int node, int level, Scratch s) {
      int limit = level == 0 ? maxM0 : m;
      int[] a = listArray(target, level);
      int off = listOffset(target, level);
      ReentrantLock lock = lockOf(target);
      lock.lock();
      try {
        int count = a[off];
        for (int i = 0; i < count; i++) {
          if (a[off + 1 + i] == node) {
            return;
          }
        }
        if (count < limit) {
          a[off + 1 + count] = node;
          a[off] = count + 1;
          return;
        }
        int total = count + 1;
        s.ensurePrune(total);
        for (int i = 0; i < count; i++) {
          s.pruneNodes[i] = a[off + 1 + i];
        }
        s.pruneNodes[count] = node;
        for (int i = 0; i < total; i++) {
          s.pruneScores[i] = distance(target, s.pruneNodes[i]);
        }
        sortByScore(s.pruneNodes, s.pruneScores, total);
        int[] kept = selectNeighbors(s.pruneNodes, s.pruneScores, total, limit, s);
        a[off] = kept.length;
        System.arraycopy(kept, 0, a, off + 1, kept.length);
      } finally {
        lock.unlock();
      }
    }

    private static void sortByScore(int[] nodes, float[] scores, int count) {
      for (int i = 1; i < count; i++) { // insertion sort: lists are short (2M + 1)
        int node = nodes[i];
        float score = scores[i];
        int j = i - 1;
        while (j >= 0 && scores[j] > score) {
          nodes[j + 1] = nodes[j];
          scores[j + 1] = scores[j];
          j--;
        }
        nodes[j + 1] = node;
        scores[j + 1] = score;
      }
    }

    /**
     * Layer 0 in breadth-first order from the entry point (then any unreached nodes, lowest id
     * first): {@link HnswGraph#breadthFirstOrder()} of the graph {@code toGraph(null)} returns.
     */
    int[] breadthFirstOrder() {
      int stride = maxM0 + 1;
      int[] order = new int[n];
      long[] seen = new long[(n + 63) >>> 6];
      int head = 0;
      int tail = 0;
      int scan = 0;
      for (int start = entryPoint; tail < n; ) {
        seen[start >>> 6] |= 1L << start;
        order[tail++] = start;
        while (head < tail) {
          int node = order[head++];
          int off = node * stride;
          for (int j = off + 1, end = off + 1 + links0[off]; j < end; j++) {
            int next = links0[j];
            if ((seen[next >>> 6] & (1L << next)) == 0) {
              seen[next >>> 6] |= 1L << next;
              order[tail++] = next;
            }
          }
        }
        while (scan < n && (seen[scan >>> 6] & (1L << scan)) != 0) {
          scan++;
        }
        start = scan;
      }
      return order;
    }

    /**
     * The flat graph, with node {@code order[i]} renamed {@code i} (as {@link
     * HnswGraph#renumbered} would), or in construction order when {@code order} is null. Layer 0
     * is renumbered, permuted and compacted inside {@link #links0}, which becomes the graph's
     * neighbour array (its tail past the last offset unused): the construction state is never
     * held twice. This construction is unusable afterwards.
     */
    HnswGraph toGraph(int[] order) {
      int stride = maxM0 + 1;
      int[] oldToNew = null;
      if (order != null) {
        oldToNew = new int[n];
        for (int i = 0; i < n; i++) {
          oldToNew[order[i]] = i;
        }
        for (int node = 0; node < n; node++) { // ids renamed
          int off = node * stride;
          for (int j = off + 1, end = off + 1 + links0[off]; j < end; j++) {
            links0[j] = oldToNew[links0[j]];
          }
        }
        Permutation.inPlace(links0, stride, order);
      }
      int[] offsets0 = new int[n + 1];
      int write = 0;
      for (int i = 0; i < n; i++) { // compacted forwards: the write position never passes the read one
        int off = i * stride;
        int count = links0[off];
        System.arraycopy(links0, off + 1, links0, write, count);
        write += count;
        offsets0[i + 1] = write;
      }
      int top = maxLevel;
      int[][] levelNodes = new int[top][];
      int[][] levelOffsets = new int[top][];
      int[][] levelNeighbors = new int[top][];
      for (int level = 1; level <= top; level++) {
        int count = 0;
        for (int i = 0; i < n; i++) {
          if (levels[i] >= level) {
            count++;
          }
        }
        int[] nodes = new int[count];
        int[] offsets = new int[count + 1];
        int s = 0;
        for (int i = 0; i < n; i++) { // ascending new ids
          int old = order == null ? i : order[i];
          if (levels[old] >= level) {
            nodes[s] = i;
            offsets[s + 1] = offsets[s] + upper[old][(level - 1) * (m + 1)];
            s++;
          }
        }
        int[] neighbors = new int[offsets[count]];
        for (int j = 0; j < count; j++) {
          int[] a = upper[order == null ? nodes[j] : order[nodes[j]]];
          int from = (level - 1) * (m + 1) + 1;
          int len = offsets[j + 1] - offsets[j];
          for (int k = 0; k < len; k++) {
            int id = a[from + k];
            neighbors[offsets[j] + k] = oldToNew == null ? id : oldToNew[id];
          }
        }
        levelNodes[level - 1] = nodes;
        levelOffsets[level - 1] = offsets;
        levelNeighbors[level - 1] = neighbors;
      }
      int entry = oldToNew == null ? entryPoint : oldToNew[entryPoint];
      return HnswGraph.withSpareCapacity(n, entry, offsets0, links0, levelNodes, levelOffsets, levelNeighbors);
    }
  }


  /** Per-thread construction state. */
  private static final class Scratch {
    final int[] visited;
    int generation;
    final SearchHeap candidates = new SearchHeap();
    final SearchHeap results = new SearchHeap();
    final int[] links;
    int[] foundNodes = new int[256];
    float[] foundScores = new float[256];
    int[] pruneNodes = new int[64];
    float[] pruneScores = new float[64];

    Scratch(int n, int maxDegree) {
      this.visited = new int[n];
      this.links = new int[maxDegree + 1];
    }

    int nextGeneration() {
      if (++generation == 0) {
        Arrays.fill(visited, 0);
        generation = 1;
      }
      return generation;
    }

    void ensureFound(int count) {
      if (foundNodes.length < count) {
        foundNodes = new int[count];
        foundScores = new float[count];
      }
    }

    void ensurePrune(int count) {
      if (pruneNodes.length < count) {
        pruneNodes = new int[count];
        pruneScores = new float[count];
      }
    }
  }
}

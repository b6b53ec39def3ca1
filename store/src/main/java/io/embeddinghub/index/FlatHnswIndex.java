package io.embeddinghub.index;

import io.embeddinghub.Metric;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * HNSW search over a flat graph ({@link HnswGraph}) and its prepared vectors in one contiguous
 * array: primitive candidate and result heaps, a visited set reset by a generation counter, SIMD
 * distances, nothing allocated per query but the result. The accept filter is applied the way
 * hnswlib applies deletions: rejected nodes are still walked through, but never enter the
 * results, so a search returns {@code k} accepted rows whenever the walk reaches them.
 * Immutable and thread-safe (scratch space is per thread).
 */
public final class FlatHnswIndex implements VectorIndex {
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  /** Keeps the loads that warm up a neighbour's vector from being optimised away. */
  @SuppressWarnings("unused")
  private static volatile float sink;

  private final HnswGraph graph;
  private final float[] vectors;
  private final int dimensions;
  private final boolean l2;

  /** @param preparedVectors rows prepared by {@link IndexedRows#prepare}, in graph node order */
  public FlatHnswIndex(HnswGraph graph, float[] preparedVectors, int dimensions, Metric metric) {
    if ((long) graph.size() * dimensions != preparedVectors.length) {
      throw new IllegalArgumentException(
          "graph has " + graph.size() + " nodes but there are " + preparedVectors.length / Math.max(1, dimensions)
              + " vectors of " + dimensions + " dimensions");
    }
    this.graph = graph;
    this.vectors = preparedVectors;
    this.dimensions = dimensions;
    this.l2 = metric == Metric.L2;
  }

  public HnswGraph graph() {
    return graph;
  }

  /** The prepared vectors, in node order (not a copy: read-only by contract). */
  public float[] vectors() {
    return vectors;
  }

  @Override
  public List<RowHit> search(float[] preparedQuery, int k, int ef, IntPredicate accept) {
    return search(preparedQuery, k, ef, accept, -1);
  }

  /**
   * A search that never walks through {@code hidden} (nor returns it), as if that node were not in
   * the graph: how {@link RecallSample} turns a row into a held-out query.
   */
  List<RowHit> search(float[] preparedQuery, int k, int ef, IntPredicate accept, int hidden) {
    int n = graph.size();
    if (k <= 0 || n == 0) {
      return List.of();
    }
    VectorKernels kernels = VectorKernels.best();
    int current = graph.entryPoint();
    float currentScore = score(kernels, preparedQuery, current);
    for (int level = graph.maxLevel(); level >= 1; level--) {
      int[] offsets = graph.levelOffsets(level);
      int[] neighbors = graph.levelNeighbors(level);
      boolean changed = true;
      while (changed) {
        changed = false;
        int slot = graph.slotOnLevel(current, level);
        for (int j = offsets[slot]; j < offsets[slot + 1]; j++) {
          int candidate = neighbors[j];
          if (candidate == hidden) {
            continue;
          }
          float s = score(kernels, preparedQuery, candidate);
          if (s < currentScore) {
            currentScore = s;
            current = candidate;
            changed = true;
          }
        }
      }
    }
    return searchLayer0(kernels, preparedQuery, current, currentScore, k, Math.max(ef, k), accept, hidden);
  }

  private List<RowHit> searchLayer0(
      VectorKernels kernels, float[] query, int entry, float entryScore, int k, int width, IntPredicate accept,
      int hidden) {
    Scratch scratch = SCRATCH.get();
    int generation = scratch.nextGeneration(graph.size());
    int[] visited = scratch.visited;
    SearchHeap candidates = scratch.candidates;
    SearchHeap results = scratch.results; // scores negated: the worst result is on top
    candidates.clear();
    results.clear();
    int[] offsets = graph.offsets0();
    int[] neighbors = graph.neighbors0();
    int[] pending = scratch.pending(graph.maxDegree0());

    if (hidden >= 0) {
      visited[hidden] = generation;
    }
    visited[entry] = generation;
    candidates.push(entryScore, entry);
    float bound = Float.POSITIVE_INFINITY;
    if (entry != hidden && (accept == null || accept.test(entry))) {
      results.push(-entryScore, entry);
      bound = entryScore;
    }
    float warm = 0;
    while (!candidates.isEmpty()) {
      float candidateScore = candidates.topScore();
      if (candidateScore > bound && results.size() >= width) {
        break;
      }
      int node = candidates.topNode();
      candidates.pop();
      int count = 0;
      for (int j = offsets[node]; j < offsets[node + 1]; j++) {
        int next = neighbors[j];
        if (visited[next] != generation) {
          visited[next] = generation;
          pending[count++] = next;
          warm += vectors[next * dimensions]; // start every row's cache miss before scoring any
        }
      }
      for (int i = 0; i < count; i++) {
        int next = pending[i];
        float s = score(kernels, query, next);
        if (results.size() < width || s < bound) {
          candidates.push(s, next);
          if (accept == null || accept.test(next)) {
            results.push(-s, next);
            if (results.size() > width) {
              results.pop();
            }
            bound = -results.topScore();
          }
        }
      }
    }
    sink = warm;
    while (results.size() > k) {
      results.pop();
    }
    RowHit[] hits = new RowHit[results.size()];
    for (int i = hits.length - 1; i >= 0; i--) {
      hits[i] = new RowHit(results.topNode(), -results.topScore());
      results.pop();
    }
    return Arrays.asList(hits);
  }

  private float score(VectorKernels kernels, float[] query, int node) {
    int offset = node * dimensions;
    return l2
        ? kernels.squaredL2(query, 0, vectors, offset, dimensions)
        : 1f - kernels.dot(query, 0, vectors, offset, dimensions);
  }

  @Override
  public int rows() {
    return graph.size();
  }

  @Override
  public long memoryBytes() {
    return graph.memoryBytes() + 4L * vectors.length + 64;
  }

  @Override
  public String backend() {
    return "flat-hnsw";
  }

  /** Per-thread search state, grown to the largest graph searched. */
  private static final class Scratch {
    int[] visited = new int[0];
    int generation;
    final SearchHeap candidates = new SearchHeap();
    final SearchHeap results = new SearchHeap();
    int[] pending = new int[0];

    int nextGeneration(int size) {
      if (visited.length < size) {
        visited = new int[size];
        generation = 0;
      }
      if (++generation == 0) {
        Arrays.fill(visited, 0);
        generation = 1;
      }
      return generation;
    }

    int[] pending(int maxDegree) {
      if (pending.length < maxDegree) {
        pending = new int[maxDegree];
      }
      return pending;
    }
  }
}

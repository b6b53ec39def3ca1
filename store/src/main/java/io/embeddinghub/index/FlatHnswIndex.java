package io.embeddinghub.index;

import io.embeddinghub.Metric;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * HNSW search over a flat graph ({@link HnswGraph}), the one-byte codes of its vectors in one
 * contiguous array, and their float32 rows ({@link FloatRows}): primitive candidate and result
 * heaps, a visited set reset by a generation counter, SIMD distances, nothing allocated per query
 * but the result. The accept filter is applied the way
 * hnswlib applies deletions: rejected nodes are still walked through, but never enter the
 * results, so a search returns {@code k} accepted rows whenever the walk reaches them.
 *
 * <p>By default the walk scores codes of the vectors ({@link ScalarQuantizer}): one byte a value
 * ({@link Walk#INT8}, a quarter of the bytes to fetch per visited node, where most of a search's
 * time is memory stalls), or for long rows four bits ({@link Walk#INT4}, an eighth). Its
 * {@code ef} best candidates are then re-ranked with the float32 vectors, so the answers' order
 * and distances are exact for the candidates found; what quantization can cost is a true neighbour
 * the walk never reached, which recall measures ({@link RecallSample} searches the same way). The float32 rows are read only for those
 * candidates, so a loaded partition reads them in place from the data files
 * ({@link MappedFloatRows}). Immutable and thread-safe (scratch space is per thread).
 */
public final class FlatHnswIndex implements VectorIndex {
  /** What the graph walk scores. */
  public enum Walk {
    /** The float32 vectors themselves. */
    FLOAT32,
    /** One-byte codes, with the walk's candidates re-ranked by their float32 vectors. */
    INT8,
    /**
     * Four-bit codes ({@link NibbleCodes}: half the bytes of {@link #INT8}), the query coded eight
     * times finer, the walk's candidates re-ranked by their float32 vectors.
     */
    INT4;

    /** Dimensions from which {@link #forDimensions} walks four-bit codes. */
    public static final int NIBBLE_MIN_DIMENSIONS = 256;

    /**
     * The walk of an index built without naming one ({@code embeddinghub.index.codes=auto}):
     * {@link #INT4} for rows of {@value #NIBBLE_MIN_DIMENSIONS} dimensions or more, whose one-byte
     * codes span four cache lines or more and whose walk waits on memory; {@link #INT8} for
     * shorter rows, where halving a line or two saves little and four bits cost recall.
     */
    public static Walk forDimensions(int dimensions) {
      return dimensions >= NIBBLE_MIN_DIMENSIONS ? INT4 : INT8;
    }

    /**
     * The walk a setting names: {@code auto} ({@link #forDimensions}), {@code int8} or
     * {@code int4}.
     *
     * @throws IllegalArgumentException for another name
     */
    public static Walk forSetting(String setting, int dimensions) {
      return switch (setting) {
        case "auto" -> forDimensions(dimensions);
        case "int8" -> INT8;
        case "int4" -> INT4;
        default -> throw new IllegalArgumentException("unknown code width '" + setting + "': auto, int8 or int4");
      };
    }
  }

  private static final int CACHE_LINE = 64;
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  /** Keeps the loads that warm up a neighbour's vector from being optimised away. */
  @SuppressWarnings("unused")
  private static volatile float sink;

  private final HnswGraph graph;
  private final FloatRows rows;
  private final int dimensions;
  private final boolean l2;
  private final Walk walk;
  /** The vectors' codes in node order, {@code codeRowBytes} a row; null for {@link Walk#FLOAT32}. */
  private final byte[] codes;
  private final int codeRowBytes;
  /** Blocks of a row of four-bit codes, for {@link Walk#INT4}. */
  private final int codeBlocks;
  private final ScalarQuantizer quantizer;
  /** What a query is coded with: {@code quantizer}, or for four-bit rows its finer twin. */
  private final ScalarQuantizer queryQuantizer;
  /** Shorts of a coded query (padded to whole blocks for {@link Walk#INT4}). */
  private final int queryCodeLength;
  /** Each node's sum of codes, for an inner product's offset term; null unless inner product. */
  private final int[] codeSums;
  /**
   * Each node's {@link NibbleCodes#rowSquares}, for a four-bit L2 walk that scores by the faster
   * dot-product kernel: {@code |q|^2 - 2 q.c + |c|^2} is the squared distance, the same integer.
   * Null unless {@link Walk#INT4} and not inner product.
   */
  private final int[] codeSquares;
  /** The weight of a node's code sum in an inner product ({@code lower / step}, scaled for four bits). */
  private final float codeOffset;

  /**
   * An index that walks {@link Walk#forDimensions}'s codes.
   *
   * @param preparedVectors rows prepared by {@link IndexedRows#prepare}, in graph node order
   */
  public FlatHnswIndex(HnswGraph graph, float[] preparedVectors, int dimensions, Metric metric) {
    this(graph, preparedVectors, dimensions, metric, Walk.forDimensions(dimensions));
  }

  /**
   * @param preparedVectors rows prepared by {@link IndexedRows#prepare}, in graph node order
   * @param walk what the graph walk scores (codes are computed here, from the vectors)
   */
  public FlatHnswIndex(HnswGraph graph, float[] preparedVectors, int dimensions, Metric metric, Walk walk) {
    this(graph, new HeapFloatRows(checkRows(graph, preparedVectors, dimensions), dimensions), metric, walk,
        quantizerOf(walk, preparedVectors), null);
  }

  private static ScalarQuantizer quantizerOf(Walk walk, float[] preparedVectors) {
    return switch (walk) {
      case FLOAT32 -> null;
      case INT8 -> ScalarQuantizer.fit(preparedVectors, ScalarQuantizer.MAX_CODE);
      case INT4 -> ScalarQuantizer.fit(preparedVectors, ScalarQuantizer.MAX_NIBBLE);
    };
  }

  /**
   * An index read back with its quantizer and codes (an index file of format 3 or later), whose
   * float rows may stay in the data files.
   *
   * @param codes {@code quantizer}'s codes of {@code rows}, in node order (four-bit codes packed by
   *     {@link NibbleCodes})
   */
  public FlatHnswIndex(HnswGraph graph, FloatRows rows, Metric metric, ScalarQuantizer quantizer, byte[] codes) {
    this(graph, rows, metric, quantizer.maxCode() == ScalarQuantizer.MAX_NIBBLE ? Walk.INT4 : Walk.INT8,
        quantizer, codes);
  }

  private FlatHnswIndex(
      HnswGraph graph, FloatRows rows, Metric metric, Walk walk, ScalarQuantizer quantizer, byte[] codes) {
    if (graph.size() != rows.rows()) {
      throw new IllegalArgumentException("graph has " + graph.size() + " nodes but there are " + rows.rows() + " rows");
    }
    this.graph = graph;
    this.rows = rows;
    this.dimensions = rows.dimensions();
    this.l2 = metric == Metric.L2;
    this.walk = walk;
    if (walk == Walk.FLOAT32) {
      this.quantizer = null;
      this.queryQuantizer = null;
      this.codes = null;
      this.codeRowBytes = 0;
      this.codeBlocks = 0;
      this.queryCodeLength = 0;
      this.codeSums = null;
      this.codeSquares = null;
      this.codeOffset = 0f;
      return;
    }
    boolean nibbles = walk == Walk.INT4;
    this.quantizer = quantizer;
    this.queryQuantizer = nibbles ? quantizer.finer() : quantizer;
    this.codeRowBytes = nibbles ? NibbleCodes.rowBytes(dimensions) : dimensions;
    this.codeBlocks = nibbles ? NibbleCodes.blocks(dimensions) : 0;
    this.queryCodeLength = nibbles ? NibbleCodes.paddedDimensions(dimensions) : dimensions;
    if (codes == null) {
      byte[] unpacked = quantizer.encode(((HeapFloatRows) rows).array());
      codes = nibbles ? NibbleCodes.pack(unpacked, dimensions) : unpacked;
    }
    this.codes = codes;
    if ((long) graph.size() * codeRowBytes != codes.length) {
      throw new IllegalArgumentException(codes.length + " bytes of codes are not " + graph.size() + " rows of "
          + codeRowBytes + " bytes (" + dimensions + " dimensions, " + walk + ")");
    }
    if (metric == Metric.INNER_PRODUCT) {
      this.codeSums = nibbles ? NibbleCodes.rowSums(codes, dimensions) : ScalarQuantizer.rowSums(codes, dimensions);
      this.codeSquares = null;
    } else {
      this.codeSums = null;
      this.codeSquares = nibbles ? NibbleCodes.rowSquares(codes, dimensions) : null;
    }
    // q·x over codes: (query step × row step) × (Σ q·c' + codeOffset × Σ c), where c' is the row's
    // code as the kernel scales it (8c for four-bit rows), Σ c its plain sum
    int refinement = nibbles ? ScalarQuantizer.QUERY_REFINEMENT : 1;
    this.codeOffset = refinement * quantizer.lower() / queryQuantizer.step();
  }

  private static float[] checkRows(HnswGraph graph, float[] preparedVectors, int dimensions) {
    if ((long) graph.size() * dimensions != preparedVectors.length) {
      throw new IllegalArgumentException(
          "graph has " + graph.size() + " nodes but there are " + preparedVectors.length / Math.max(1, dimensions)
              + " vectors of " + dimensions + " dimensions");
    }
    return preparedVectors;
  }

  public Walk walk() {
    return walk;
  }

  public HnswGraph graph() {
    return graph;
  }

  /** The float32 rows, in node order. */
  public FloatRows floatRows() {
    return rows;
  }

  /** The walk's quantizer, or null for {@link Walk#FLOAT32}. */
  public ScalarQuantizer quantizer() {
    return quantizer;
  }

  /** The codes in node order (not a copy: read-only by contract), or null for {@link Walk#FLOAT32}. */
  byte[] codes() {
    return codes;
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
    Scratch scratch = SCRATCH.get();
    Query query = query(preparedQuery, scratch);
    int current = graph.entryPoint();
    float currentScore = walkScore(query, current);
    int[] pending = scratch.pending(graph.maxDegree0());
    float warm = 0;
    for (int level = graph.maxLevel(); level >= 1; level--) {
      int[] offsets = graph.levelOffsets(level);
      int[] neighbors = graph.levelNeighbors(level);
      boolean changed = true;
      while (changed) {
        changed = false;
        int slot = graph.slotOnLevel(current, level);
        int count = 0;
        for (int j = offsets[slot]; j < offsets[slot + 1]; j++) {
          if (neighbors[j] != hidden) {
            pending[count++] = neighbors[j];
            warm += touch(neighbors[j]);
          }
        }
        for (int i = 0; i < count; i++) {
          float s = walkScore(query, pending[i]);
          if (s < currentScore) {
            currentScore = s;
            current = pending[i];
            changed = true;
          }
        }
      }
    }
    sink = warm;
    return searchLayer0(query, scratch, current, currentScore, k, Math.max(ef, k), accept, hidden);
  }

  /** What one search scores with: the prepared query and, for a walk over codes, its codes. */
  private record Query(VectorKernels kernels, float[] prepared, short[] codes, int codesSquares) {}

  private Query query(float[] preparedQuery, Scratch scratch) {
    VectorKernels kernels = VectorKernels.best();
    if (codes == null) {
      return new Query(kernels, preparedQuery, null, 0);
    }
    short[] queryCodes = scratch.queryCodes(queryQuantizer, preparedQuery, queryCodeLength);
    int squares = 0;
    if (codeSquares != null) {
      for (short c : queryCodes) {
        squares += c * c;
      }
    }
    return new Query(kernels, preparedQuery, queryCodes, squares);
  }

  private List<RowHit> searchLayer0(
      Query query, Scratch scratch, int entry, float entryScore, int k, int width, IntPredicate accept, int hidden) {
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
          warm += touch(next); // start every row's cache misses before scoring any
        }
      }
      for (int i = 0; i < count; i++) {
        int next = pending[i];
        float s = walkScore(query, next);
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
    if (codes != null) {
      rerank(query, results, scratch, k);
    }
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

  /** Replaces the walk's scores of {@code results} by exact ones and keeps the best {@code k}. */
  private void rerank(Query query, SearchHeap results, Scratch scratch, int k) {
    int count = results.size();
    int[] nodes = scratch.rerankNodes(count);
    for (int i = 0; i < count; i++) {
      nodes[i] = results.topNode();
      results.pop();
    }
    for (int i = 0; i < count; i++) {
      results.push(-score(query.kernels(), query.prepared(), nodes[i]), nodes[i]);
      if (results.size() > k) {
        results.pop();
      }
    }
  }

  /** Starts the cache misses of what the walk scores of {@code node}; the result is not meaningful. */
  private float touch(int node) {
    return codes != null ? touchCodes(node) : rows.touch(node);
  }

  /**
   * Reads one byte of every cache line of {@code node}'s codes, so that the lines of all the
   * neighbours about to be scored are fetched together rather than one row after another; the sum
   * is not meaningful.
   */
  private int touchCodes(int node) {
    int sum = 0;
    int start = node * codeRowBytes;
    int last = start + codeRowBytes - 1;
    for (int i = start; i < last; i += CACHE_LINE) {
      sum += codes[i];
    }
    return sum + codes[last]; // the row's last line, where the row does not start on a line
  }

  /** The score the walk orders by: of the codes, or for {@link Walk#FLOAT32} exact. */
  private float walkScore(Query query, int node) {
    if (codes == null) {
      return score(query.kernels(), query.prepared(), node);
    }
    int offset = node * codeRowBytes;
    if (codeSums != null) { // inner product: -(q·x) up to the query's constant terms and a positive factor
      int dot = codeBlocks > 0
          ? query.kernels().dotNibbles(query.codes(), codes, offset, codeBlocks)
          : query.kernels().dot(query.codes(), codes, offset, dimensions);
      return -(dot + codeOffset * codeSums[node]);
    }
    // L2, and cosine over unit vectors (where squared L2 is 2 - 2·dot, the same order)
    if (codeBlocks > 0) { // the squared distance of the codes, from the dot kernel
      return query.codesSquares() - 2 * query.kernels().dotNibbles(query.codes(), codes, offset, codeBlocks)
          + codeSquares[node];
    }
    return query.kernels().squaredL2(query.codes(), codes, offset, dimensions);
  }

  private float score(VectorKernels kernels, float[] query, int node) {
    return rows.score(kernels, query, node, l2);
  }

  @Override
  public int rows() {
    return graph.size();
  }

  @Override
  public long memoryBytes() {
    long codeBytes = codes == null ? 0
        : codes.length + 4L * ((codeSums == null ? 0 : codeSums.length) + (codeSquares == null ? 0 : codeSquares.length));
    return graph.memoryBytes() + rows.heapBytes() + codeBytes + 64;
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
    byte[] queryBytes = new byte[0];
    short[] queryCodes = new short[0];
    int[] rerankNodes = new int[0];

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

    /** The codes of a query, widened to shorts for the kernels, zero from its end to {@code length}. */
    short[] queryCodes(ScalarQuantizer quantizer, float[] query, int length) {
      if (queryCodes.length != length || queryBytes.length != query.length) {
        queryBytes = new byte[query.length];
        queryCodes = new short[length];
      }
      quantizer.encode(query, queryBytes);
      for (int i = 0; i < query.length; i++) {
        queryCodes[i] = queryBytes[i];
      }
      return queryCodes;
    }

    int[] rerankNodes(int count) {
      if (rerankNodes.length < count) {
        rerankNodes = new int[count];
      }
      return rerankNodes;
    }

    int[] pending(int maxDegree) {
      if (pending.length < maxDegree) {
        pending = new int[maxDegree];
      }
      return pending;
    }
  }
}

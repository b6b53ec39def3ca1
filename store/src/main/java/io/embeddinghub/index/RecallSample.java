package io.embeddinghub.index;

import java.util.Arrays;

/**
 * A partition's own recall oracle: a few of its rows used as held-out queries (searched as if the
 * row were not in the graph: the walk never passes through it) with their exact {@value #K}
 * nearest other rows, found by brute force when the
 * partition was built. Searching the graph for them measures its recall@{@value #K} at any ef
 * without touching other data, which is how a space estimates its recall and picks an ef for a
 * target recall. Immutable.
 */
public final class RecallSample {
  public static final int K = 10;
  /** The ef values a build measures recall at (and that a target recall chooses from). */
  public static final int[] EF_LADDER = {10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512};
  private static final int MAX_QUERIES = 200;

  private final int[] queries;
  private final int[] truth; // K per query, nearest first, -1 where the partition has fewer rows

  public RecallSample(int[] queries, int[] truth) {
    if (truth.length != queries.length * K) {
      throw new IllegalArgumentException("recall sample has " + truth.length + " answers for " + queries.length + " queries");
    }
    this.queries = queries;
    this.truth = truth;
  }

  /** Picks up to 200 rows spread over the partition and finds their exact neighbours. */
  public static RecallSample compute(FlatHnswIndex index, int dimensions, boolean l2) {
    int n = index.rows();
    int count = Math.min(MAX_QUERIES, n);
    int[] queries = new int[count];
    for (int i = 0; i < count; i++) {
      queries[i] = (int) ((long) i * n / count);
    }
    int[] truth = new int[count * K];
    Arrays.fill(truth, -1);
    FloatRows rows = index.floatRows();
    VectorKernels kernels = VectorKernels.best();
    SearchHeap worstOnTop = new SearchHeap();
    float[] query = new float[dimensions];
    for (int i = 0; i < count; i++) {
      int q = queries[i];
      rows.copy(q, query);
      worstOnTop.clear();
      for (int row = 0; row < n; row++) {
        if (row == q) {
          continue;
        }
        float s = rows.score(kernels, query, row, l2);
        if (worstOnTop.size() < K) {
          worstOnTop.push(-s, row);
        } else if (s < -worstOnTop.topScore()) {
          worstOnTop.pop();
          worstOnTop.push(-s, row);
        }
      }
      for (int j = worstOnTop.size() - 1; j >= 0; j--) {
        truth[i * K + j] = worstOnTop.topNode();
        worstOnTop.pop();
      }
    }
    return new RecallSample(queries, truth);
  }

  /** Recall@K of the graph's search at {@code ef} on the sample's self-queries. */
  public double recall(FlatHnswIndex index, int dimensions, int ef) {
    long found = 0;
    long expected = 0;
    float[] query = new float[dimensions];
    for (int i = 0; i < queries.length; i++) {
      int q = queries[i];
      index.floatRows().copy(q, query);
      java.util.List<RowHit> hits = index.search(query, K, ef, null, q);
      for (int j = 0; j < K; j++) {
        int t = truth[i * K + j];
        if (t < 0) {
          continue;
        }
        expected++;
        for (RowHit h : hits) {
          if (h.row() == t) {
            found++;
            break;
          }
        }
      }
    }
    return expected == 0 ? 1.0 : (double) found / expected;
  }

  /** Recall@K at every ef of {@link #EF_LADDER}. */
  public float[] recallCurve(FlatHnswIndex index, int dimensions) {
    float[] curve = new float[EF_LADDER.length];
    for (int i = 0; i < curve.length; i++) {
      curve[i] = (float) recall(index, dimensions, EF_LADDER[i]);
    }
    return curve;
  }

  int[] queries() {
    return queries;
  }

  int[] truth() {
    return truth;
  }

  /** Validates node ids against a partition of {@code rows} rows (for samples read from files). */
  void checkNodes(int rows) {
    for (int q : queries) {
      if (q < 0 || q >= rows) {
        throw new IllegalArgumentException("recall sample query " + q + " is not a node of " + rows);
      }
    }
    for (int t : truth) {
      if (t < -1 || t >= rows) {
        throw new IllegalArgumentException("recall sample answer " + t + " is not a node of " + rows);
      }
    }
  }
}

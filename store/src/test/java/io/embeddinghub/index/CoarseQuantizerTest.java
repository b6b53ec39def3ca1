package io.embeddinghub.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.Metric;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Routing rows to centroids: exact below {@link CoarseQuantizer#GRAPH_FROM} centroids, through the
 * centroid graph from there on, checked against a brute-force scan over every centroid.
 */
class CoarseQuantizerTest {
  private static final int DIMS = 16;

  /** {@code n} prepared rows of {@code DIMS} floats around 64 cluster centres. */
  private static float[] clusteredRows(Random random, int n, Metric metric) {
    float[][] centres = new float[64][DIMS];
    for (float[] c : centres) {
      for (int d = 0; d < DIMS; d++) {
        c[d] = random.nextFloat() * 10;
      }
    }
    float[] rows = new float[n * DIMS];
    for (int i = 0; i < n; i++) {
      float[] row = new float[DIMS];
      float[] centre = centres[random.nextInt(centres.length)];
      for (int d = 0; d < DIMS; d++) {
        row[d] = centre[d] + (float) random.nextGaussian();
      }
      System.arraycopy(IndexedRows.prepareQuery(row, metric), 0, rows, i * DIMS, DIMS);
    }
    return rows;
  }

  private static float[][] firstRows(float[] rows, int k) {
    float[][] centroids = new float[k][];
    for (int c = 0; c < k; c++) {
      centroids[c] = java.util.Arrays.copyOfRange(rows, c * DIMS, (c + 1) * DIMS);
    }
    return centroids;
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void belowTheThresholdEveryRowGoesToItsExactlyNearestCentroid(Metric metric) {
    Random random = new Random(1);
    float[] rows = clusteredRows(random, CoarseQuantizer.GRAPH_FROM - 1 + 500, metric);
    CoarseQuantizer quantizer = new CoarseQuantizer(firstRows(rows, CoarseQuantizer.GRAPH_FROM - 1), metric);
    for (int i = 0; i < rows.length / DIMS; i++) {
      assertThat(quantizer.nearest(rows, i * DIMS)).isEqualTo(bruteForce(quantizer, metric, rows, i * DIMS));
    }
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void fromTheThresholdTheCentroidGraphFindsTheNearestCentroidOfAlmostEveryRow(Metric metric) {
    Random random = new Random(2);
    int k = CoarseQuantizer.GRAPH_FROM + 500;
    int queries = 3000;
    float[] rows = clusteredRows(random, k + queries, metric);
    CoarseQuantizer quantizer = new CoarseQuantizer(firstRows(rows, k), metric, 2);
    int exact = 0;
    double excess = 0;
    for (int i = k; i < k + queries; i++) {
      int found = quantizer.nearest(rows, i * DIMS);
      int truth = bruteForce(quantizer, metric, rows, i * DIMS);
      exact += found == truth ? 1 : 0;
      excess += CoarseQuantizer.score(metric, rows, i * DIMS, quantizer.centroid(found))
          - CoarseQuantizer.score(metric, rows, i * DIMS, quantizer.centroid(truth));
    }
    System.out.printf("%s: %d of %d rows routed to their exactly nearest of %d centroids, mean excess score %.5f%n",
        metric, exact, queries, k, excess / queries);
    assertThat(exact).as("rows routed to their exactly nearest centroid").isGreaterThanOrEqualTo(queries * 97 / 100);
    assertThat(excess).as("a routed row's centroid is never nearer than the exact one").isGreaterThanOrEqualTo(0);
  }

  /** The oracle: the nearest centroid by a plain scan, independent of the quantizer's own loop. */
  private static int bruteForce(CoarseQuantizer quantizer, Metric metric, float[] rows, int offset) {
    int best = -1;
    double bestScore = Double.MAX_VALUE;
    for (int c = 0; c < quantizer.size(); c++) {
      float[] centroid = quantizer.centroid(c);
      double score = 0;
      for (int d = 0; d < DIMS; d++) {
        double x = rows[offset + d];
        score += metric == Metric.L2 ? (x - centroid[d]) * (x - centroid[d]) : -x * centroid[d];
      }
      if (score < bestScore) {
        bestScore = score;
        best = c;
      }
    }
    return best;
  }
}

package io.embeddinghub.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.Metric;
import io.embeddinghub.testing.BruteForceKnn;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Routing rows to centroids: exact below {@link CoarseQuantizer#GRAPH_FROM} centroids, through the
 * centroid graph from there on, checked against {@link BruteForceKnn} over every centroid.
 */
class CoarseQuantizerTest {
  private static final int DIMS = 16;
  /** A row the graph routes to another centroid than the nearest goes to one of this many nearest. */
  private static final int NEAR_RANK = 5;
  /** Bound on the mean extra distance to the routed centroid, as a fraction of the mean |distance| to the nearest. */
  private static final double MAX_RELATIVE_EXCESS = 0.01;

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
    float[][] centroids = firstRows(rows, CoarseQuantizer.GRAPH_FROM - 1);
    CoarseQuantizer quantizer = new CoarseQuantizer(centroids, metric);
    for (int i = 0; i < rows.length / DIMS; i++) {
      assertThat(quantizer.nearest(rows, i * DIMS)).as("row %d", i)
          .isEqualTo(BruteForceKnn.nearestIndices(metric, centroids, row(rows, i), 1)[0]);
    }
  }

  @Tag("slow") // 1,024+ centroids per metric
  @ParameterizedTest
  @EnumSource(Metric.class)
  void fromTheThresholdTheCentroidGraphFindsTheNearestCentroidOfAlmostEveryRow(Metric metric) {
    Random random = new Random(2);
    int k = CoarseQuantizer.GRAPH_FROM + 500;
    int queries = 3000;
    float[] rows = clusteredRows(random, k + queries, metric);
    float[][] centroids = firstRows(rows, k);
    CoarseQuantizer quantizer = new CoarseQuantizer(centroids, metric, 2);
    int exact = 0;
    int worstRank = 0;
    double excess = 0;
    double nearest = 0;
    for (int i = k; i < k + queries; i++) {
      float[] row = row(rows, i);
      int found = quantizer.nearest(rows, i * DIMS);
      int[] order = BruteForceKnn.nearestIndices(metric, centroids, row, k);
      int rank = 0;
      while (order[rank] != found) {
        rank++;
      }
      exact += rank == 0 ? 1 : 0;
      worstRank = Math.max(worstRank, rank);
      // how much farther the routed centroid is than the nearest, by the oracle's own distances
      double best = BruteForceKnn.distance(metric, row, centroids[order[0]]);
      nearest += Math.abs(best); // inner-product distances are negative
      excess += BruteForceKnn.distance(metric, row, centroids[found]) - best;
    }
    double relativeExcess = excess / nearest;
    System.out.printf("%s: %d of %d rows routed to their exactly nearest of %d centroids, worst rank %d,"
        + " mean excess distance %.3g (%.3g of the mean distance to the nearest)%n",
        metric, exact, queries, k, worstRank, excess / queries, relativeExcess);
    assertThat(exact).as("rows routed to their exactly nearest centroid").isGreaterThanOrEqualTo(queries * 97 / 100);
    // the rest go to a neighbouring centroid (docs of CoarseQuantizer): one of the few nearest, barely farther
    assertThat(worstRank).as("rank of the farthest routed centroid among the exactly nearest").isLessThan(NEAR_RANK);
    assertThat(relativeExcess).as("mean extra distance to the routed centroid / mean |distance| to the nearest")
        .isLessThan(MAX_RELATIVE_EXCESS);
  }

  private static float[] row(float[] rows, int i) {
    return java.util.Arrays.copyOfRange(rows, i * DIMS, (i + 1) * DIMS);
  }
}

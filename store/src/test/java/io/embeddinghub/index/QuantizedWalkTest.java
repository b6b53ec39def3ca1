package io.embeddinghub.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import io.embeddinghub.testing.BruteForceKnn;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one-byte graph walk ({@link FlatHnswIndex.Walk#INT8}) against the brute-force oracle and
 * against the float32 walk over the same graph: its recall, and exact distances in exact order
 * for the rows it returns (the re-rank). Its kernels against the scalar ones, its quantizer's
 * bounds.
 */
class QuantizedWalkTest {
  private static final int ROWS = 3000;
  private static final int DIMS = 40;
  private static final int QUERIES = 100;
  private static final int K = 10;

  static Stream<Arguments> metricsAndWalks() {
    Stream.Builder<Arguments> cases = Stream.builder();
    for (Metric metric : Metric.values()) {
      cases.add(Arguments.of(metric, FlatHnswIndex.Walk.INT8));
      cases.add(Arguments.of(metric, FlatHnswIndex.Walk.INT4));
    }
    return cases.build();
  }

  @ParameterizedTest
  @MethodSource("metricsAndWalks")
  void theQuantizedWalkFindsTheNeighboursAndReportsExactDistancesInOrder(Metric metric, FlatHnswIndex.Walk walk) {
    Random random = new Random(31);
    float[][] rows = clustered(random, ROWS, DIMS, 30);
    rows[7][3] = 40f; // an outlier, which the quantizer clamps and the re-rank must still place right
    float[] flat = new float[ROWS * DIMS];
    for (int i = 0; i < ROWS; i++) {
      System.arraycopy(rows[i], 0, flat, i * DIMS, DIMS);
    }
    float[] prepared = IndexedRows.prepare(flat, DIMS, metric);
    HnswGraph graph = GraphBuilders.DEFAULT.build(prepared, DIMS, metric, IndexParams.DEFAULT, 2);
    FlatHnswIndex quantized = new FlatHnswIndex(graph, prepared, DIMS, metric, walk);
    FlatHnswIndex float32 = new FlatHnswIndex(graph, prepared, DIMS, metric, FlatHnswIndex.Walk.FLOAT32);
    assertThat(new FlatHnswIndex(graph, prepared, DIMS, metric).walk()).isEqualTo(FlatHnswIndex.Walk.INT8);

    int quantizedHits = 0;
    int floatHits = 0;
    for (int q = 0; q < QUERIES; q++) {
      float[] query = q == 0 ? rows[7].clone() : clustered(random, 1, DIMS, 30)[0];
      Set<Integer> truth = new HashSet<>();
      for (int row : BruteForceKnn.nearestIndices(metric, rows, query, K)) {
        truth.add(row);
      }
      float[] preparedQuery = IndexedRows.prepareQuery(query, metric);
      List<RowHit> found = quantized.search(preparedQuery, K, 64, null);
      assertThat(found).as("query %d", q).hasSize(K);
      for (int i = 0; i < found.size(); i++) {
        RowHit hit = found.get(i);
        double exact = BruteForceKnn.distance(metric, query, rows[hit.row()]);
        double expected = metric == Metric.L2 ? exact * exact : exact; // the index scores squared L2
        assertThat((double) hit.indexDistance()).as("exact distance of row %d", hit.row())
            .isCloseTo(expected, within(1e-3 * Math.max(1, Math.abs(expected))));
        if (i > 0) {
          assertThat(hit.indexDistance()).as("exact order").isGreaterThanOrEqualTo(found.get(i - 1).indexDistance());
        }
      }
      quantizedHits += (int) found.stream().filter(h -> truth.contains(h.row())).count();
      floatHits += (int) float32.search(preparedQuery, K, 64, null).stream().filter(h -> truth.contains(h.row())).count();
    }
    double quantizedRecall = quantizedHits / (double) (QUERIES * K);
    double floatRecall = floatHits / (double) (QUERIES * K);
    assertThat(quantizedRecall).as("recall@10 of the %s walk, %s (float32 walk: %s)", walk, metric, floatRecall)
        .isGreaterThanOrEqualTo(0.95)
        .isGreaterThanOrEqualTo(floatRecall - 0.02);
    long codeBytes = quantized.memoryBytes() - float32.memoryBytes();
    long floatBytes = (long) ROWS * DIMS * Float.BYTES;
    assertThat(codeBytes).as("codes beside the floats (%s)", walk)
        .isBetween(floatBytes / (walk == FlatHnswIndex.Walk.INT8 ? 4 : 8), floatBytes / 4 + 4L * ROWS + 64);
  }

  @Test
  void codeKernelsMatchTheScalarOnes() {
    VectorKernels best = VectorKernels.best();
    VectorKernels scalar = new ScalarKernels();
    Random random = new Random(6);
    for (int dims : new int[] {1, 3, 15, 16, 17, 31, 32, 33, 100, 784}) {
      short[] query = new short[dims];
      byte[] codes = new byte[dims + 9];
      for (int i = 0; i < query.length; i++) {
        query[i] = (short) random.nextInt(ScalarQuantizer.MAX_CODE + 1);
      }
      for (int i = 0; i < codes.length; i++) {
        codes[i] = (byte) random.nextInt(ScalarQuantizer.MAX_CODE + 1);
      }
      // the widest differences and the largest products, in lanes summed together
      for (int i = 0; i < dims; i += 2) {
        query[i] = 0;
        codes[9 + i] = ScalarQuantizer.MAX_CODE;
      }
      if (dims > 1) {
        query[1] = ScalarQuantizer.MAX_CODE;
        codes[9 + 1] = ScalarQuantizer.MAX_CODE;
      }
      int squares = 0;
      int products = 0;
      for (int i = 0; i < dims; i++) {
        squares += (query[i] - codes[9 + i]) * (query[i] - codes[9 + i]);
        products += query[i] * codes[9 + i];
      }
      assertThat(best.squaredL2(query, codes, 9, dims)).as("%s, dims %d", best.name(), dims).isEqualTo(squares);
      assertThat(scalar.squaredL2(query, codes, 9, dims)).isEqualTo(squares);
      assertThat(best.dot(query, codes, 9, dims)).as("%s, dims %d", best.name(), dims).isEqualTo(products);
      assertThat(scalar.dot(query, codes, 9, dims)).isEqualTo(products);
    }
  }

  @Test
  void nibbleKernelsMatchTheUnpackedCodes() {
    VectorKernels best = VectorKernels.best();
    VectorKernels scalar = new ScalarKernels();
    Random random = new Random(8);
    int cases = 0;
    for (int dims : new int[] {1, 15, 16, 17, 31, 32, 33, 100, 784}) {
      int rows = 4;
      byte[] unpacked = new byte[rows * dims];
      for (int i = 0; i < unpacked.length; i++) {
        unpacked[i] = (byte) random.nextInt(ScalarQuantizer.MAX_NIBBLE + 1);
      }
      // row 1: the widest differences and the largest products against the query below
      for (int i = 0; i < dims; i++) {
        unpacked[dims + i] = (byte) (i % 2 == 0 ? ScalarQuantizer.MAX_NIBBLE : 0);
      }
      // row 3: every code at its largest, so that products summed in short lanes are at their largest
      java.util.Arrays.fill(unpacked, 3 * dims, 4 * dims, (byte) ScalarQuantizer.MAX_NIBBLE);
      byte[] packed = NibbleCodes.pack(unpacked, dims);
      assertThat(packed).hasSize(rows * NibbleCodes.rowBytes(dims));
      int maxQuery = ScalarQuantizer.MAX_NIBBLE * ScalarQuantizer.QUERY_REFINEMENT;
      short[] query = new short[NibbleCodes.paddedDimensions(dims)];
      for (int i = 0; i < dims; i++) {
        query[i] = (short) (i % 2 == 0 ? random.nextInt(2) * maxQuery : maxQuery);
      }
      short[] largest = new short[query.length];
      java.util.Arrays.fill(largest, 0, dims, (short) maxQuery);
      int[] rowSquares = NibbleCodes.rowSquares(packed, dims);
      for (int row = 0; row < rows; row++) {
        if (row == 3) {
          query = largest;
        }
        int querySquares = 0;
        for (short q : query) {
          querySquares += q * q;
        }
        int squares = 0;
        int products = 0;
        for (int i = 0; i < dims; i++) {
          int code = unpacked[row * dims + i];
          assertThat(NibbleCodes.code(packed, row * NibbleCodes.rowBytes(dims), i)).isEqualTo(code);
          int d = query[i] - ScalarQuantizer.QUERY_REFINEMENT * code;
          squares += d * d;
          products += query[i] * ScalarQuantizer.QUERY_REFINEMENT * code;
        }
        int offset = row * NibbleCodes.rowBytes(dims);
        int blocks = NibbleCodes.blocks(dims);
        for (VectorKernels kernels : List.of(best, scalar)) {
          assertThat(kernels.dotNibbles(query, packed, offset, blocks))
              .as("%s, dims %d, row %d", kernels.name(), dims, row).isEqualTo(products);
          // how the four-bit L2 walk scores: the squared distance of the codes, exactly
          assertThat(querySquares - 2 * kernels.dotNibbles(query, packed, offset, blocks) + rowSquares[row])
              .as("%s, dims %d, row %d: |q|^2 - 2 q.c + |c|^2", kernels.name(), dims, row).isEqualTo(squares);
        }
        cases++;
      }
      int sum0 = 0;
      for (int i = 0; i < dims; i++) {
        sum0 += unpacked[i];
      }
      assertThat(NibbleCodes.rowSums(packed, dims)[0]).isEqualTo(sum0);
    }
    assertThat(cases).isEqualTo(36);
  }

  @Test
  void packingRefusesACodeBeyondFourBits() {
    assertThatThrownBy(() -> NibbleCodes.pack(new byte[] {3, 16}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("code 16 of row 0, dimension 1");
  }

  @Test
  void theFourBitQuantizerCodesRowsInSixteenStepsAndQueriesEightTimesFiner() {
    float[] values = new float[1501];
    for (int i = 0; i < values.length; i++) {
      values[i] = 15f * i / (values.length - 1); // 0 .. 15, evenly
    }
    ScalarQuantizer rows = ScalarQuantizer.fit(values, ScalarQuantizer.MAX_NIBBLE);
    assertThat(rows.maxCode()).isEqualTo(ScalarQuantizer.MAX_NIBBLE);
    assertThat(rows.encode(new float[] {-3f, 0f, 7.4f, 15f, 99f})).containsExactly(0, 0, 7, 15, 15);
    ScalarQuantizer query = rows.finer();
    assertThat(query.lower()).isEqualTo(rows.lower());
    assertThat(query.step()).isEqualTo(rows.step() / ScalarQuantizer.QUERY_REFINEMENT);
    assertThat(query.encode(new float[] {-3f, 7.4f, 15f, 99f})).containsExactly(0, 59, 120, 120);
    assertThatThrownBy(() -> ScalarQuantizer.fit(values, 31)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("codes up to 31");
    assertThatThrownBy(() -> ScalarQuantizer.of(0f, 1f, 255)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("quantizer codes up to 255");
  }

  @Test
  void theQuantizerMapsItsRangeOntoSevenBitsAndClampsOutliers() {
    float[] values = new float[10_001];
    for (int i = 0; i < values.length; i++) {
      values[i] = -1f + 2f * i / (values.length - 1); // -1 .. 1, evenly
    }
    values[5000] = 1000f; // an outlier beyond the clipped quantile
    ScalarQuantizer quantizer = ScalarQuantizer.fit(values);
    byte[] codes = quantizer.encode(new float[] {-5f, -1f, 0f, quantizer.lower() + 10 * quantizer.step(), 1f, 1000f});
    assertThat(codes).containsExactly(0, 0, 63, 10, 127, 127);
    assertThat(quantizer.step()).as("the outlier does not widen the step").isLessThan(2.1f / 127);
    assertThat(ScalarQuantizer.fit(new float[] {3f, 3f, 3f}).encode(new float[] {3f, 4f})).containsExactly(0, 1);
    assertThat(ScalarQuantizer.rowSums(new byte[] {1, 2, 3, 4, 5, 6}, 3)).containsExactly(6, 15);
  }

  private static float[][] clustered(Random random, int n, int dims, int clusters) {
    Random centres = new Random(99);
    float[][] centre = new float[clusters][dims];
    for (float[] c : centre) {
      for (int d = 0; d < dims; d++) {
        c[d] = (float) centres.nextGaussian() * 3f;
      }
    }
    float[][] rows = new float[n][dims];
    for (float[] row : rows) {
      float[] c = centre[random.nextInt(clusters)];
      for (int d = 0; d < dims; d++) {
        row[d] = c[d] + (float) random.nextGaussian();
      }
    }
    return rows;
  }

}

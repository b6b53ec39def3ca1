package io.embeddinghub.index;

/**
 * The distance kernels every index and search uses, over rows of flat float arrays. The float
 * and code kernels of the implementations agree within float rounding, the exact (double) ones
 * bit for bit; {@link #best()} picks the SIMD one when the
 * {@code jdk.incubator.vector} module is present ({@code --add-modules jdk.incubator.vector}),
 * the scalar one otherwise.
 */
public interface VectorKernels {
  /** {@code sum((a[aOff+i] - b[bOff+i])^2)} over {@code length} dimensions. */
  float squaredL2(float[] a, int aOff, float[] b, int bOff, int length);

  /** {@code sum(a[aOff+i] * b[bOff+i])} over {@code length} dimensions. */
  float dot(float[] a, int aOff, float[] b, int bOff, int length);

  /**
   * {@code sum((query[i] - codes[offset+i])^2)} over {@code length} codes of at most seven bits
   * ({@link ScalarQuantizer}); the query's codes come widened to shorts, once per search.
   */
  int squaredL2(short[] query, byte[] codes, int offset, int length);

  /** {@code sum(query[i] * codes[offset+i])} over {@code length} codes of at most seven bits. */
  int dot(short[] query, byte[] codes, int offset, int length);

  /**
   * {@code sum(query[i] * 8 * code(i))} over the {@code blocks} blocks of a row of four-bit codes
   * at {@code offset} ({@link NibbleCodes}); the query comes coded
   * {@link ScalarQuantizer#finer() eight times finer} (codes 0..120), padded and widened to shorts.
   * The walk's squared L2 of four-bit codes is this with the sums of squares of both sides
   * ({@link NibbleCodes#rowSquares}).
   */
  int dotNibbles(short[] query, byte[] codes, int offset, int blocks);

  /**
   * {@code sum((a[aOff+i] - b[bOff+i])^2)} over {@code length} dimensions in double precision: the
   * sum behind every distance an answer reports ({@link io.embeddinghub.Metric#distanceToRow}).
   * Its order is fixed ({@link #EXACT_PARTIAL_SUMS}), so every implementation returns the same
   * bits and a row has one distance whichever kernels or path computed it.
   */
  double exactSquaredL2(float[] a, int aOff, float[] b, int bOff, int length);

  /** {@code sum(a[aOff+i] * b[bOff+i])} in double precision, in the same fixed order as {@link #exactSquaredL2}. */
  double exactDot(float[] a, int aOff, float[] b, int bOff, int length);

  /**
   * The order of the exact sums: dimension {@code i}'s term is added to partial sum
   * {@code i mod 16}, in increasing {@code i}, and the partial sums {@code s0..s15} are then added
   * pairwise, neighbours first: {@code (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))) +
   * (((s8 + s9) + ...) + (... + (s14 + s15)))}. Sixteen chains of additions, so that four vectors
   * of four doubles add independently.
   */
  int EXACT_PARTIAL_SUMS = 16;

  /** A name for logs and benchmark tables. */
  String name();

  /** The fastest kernels this JVM can run, chosen once. */
  static VectorKernels best() {
    return Holder.BEST;
  }

  /** Lazily chosen, so that the SIMD class is only loaded where its module exists. */
  final class Holder {
    static final VectorKernels BEST = choose();

    private Holder() {}

    private static VectorKernels choose() {
      if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
          && !Boolean.getBoolean("embeddinghub.simd.disabled")) {
        try {
          return (VectorKernels)
              Class.forName("io.embeddinghub.index.simd.SimdKernels").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
          return new ScalarKernels();
        }
      }
      return new ScalarKernels();
    }
  }
}

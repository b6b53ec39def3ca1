package io.embeddinghub.index;

/**
 * The two distance kernels every index uses, over rows of flat float arrays. Implementations
 * must agree within float rounding; {@link #best()} picks the SIMD one when the
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
   * {@code sum((query[i] - 8 * code(i))^2)} over the {@code blocks} blocks of a row of four-bit
   * codes at {@code offset} ({@link NibbleCodes}); the query comes coded
   * {@link ScalarQuantizer#finer() eight times finer}, padded and widened to shorts.
   */
  int squaredL2Nibbles(short[] query, byte[] codes, int offset, int blocks);

  /** {@code sum(query[i] * 8 * code(i))} over a row of four-bit codes, as {@link #squaredL2Nibbles}. */
  int dotNibbles(short[] query, byte[] codes, int offset, int blocks);

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

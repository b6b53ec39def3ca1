package io.embeddinghub.index;

/** Plain-Java kernels: the fallback, and the reference the SIMD kernels are tested against. */
public final class ScalarKernels implements VectorKernels {
  @Override
  public float squaredL2(float[] a, int aOff, float[] b, int bOff, int length) {
    float sum = 0;
    for (int i = 0; i < length; i++) {
      float d = a[aOff + i] - b[bOff + i];
      sum += d * d;
    }
    return sum;
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int length) {
    float sum = 0;
    for (int i = 0; i < length; i++) {
      sum += a[aOff + i] * b[bOff + i];
    }
    return sum;
  }

  @Override
  public double exactSquaredL2(float[] a, int aOff, float[] b, int bOff, int length) {
    double[] partial = new double[EXACT_PARTIAL_SUMS];
    for (int i = 0; i < length; i++) {
      double d = (double) a[aOff + i] - b[bOff + i];
      partial[i & (EXACT_PARTIAL_SUMS - 1)] += d * d;
    }
    return addPartialSums(partial);
  }

  @Override
  public double exactDot(float[] a, int aOff, float[] b, int bOff, int length) {
    double[] partial = new double[EXACT_PARTIAL_SUMS];
    for (int i = 0; i < length; i++) {
      partial[i & (EXACT_PARTIAL_SUMS - 1)] += (double) a[aOff + i] * b[bOff + i];
    }
    return addPartialSums(partial);
  }

  /**
   * The last step of the exact sums ({@link VectorKernels#EXACT_PARTIAL_SUMS}), shared with the SIMD
   * kernels so that both add the same way.
   *
   * @param partial the sixteen partial sums (overwritten)
   * @return their sum, in the fixed order
   */
  public static double addPartialSums(double[] partial) {
    for (int width = EXACT_PARTIAL_SUMS; width > 1; width /= 2) { // neighbours first, then pairs of pairs
      for (int i = 0; i < width / 2; i++) {
        partial[i] = partial[2 * i] + partial[2 * i + 1];
      }
    }
    return partial[0];
  }

  @Override
  public int squaredL2(short[] query, byte[] codes, int offset, int length) {
    int sum = 0;
    for (int i = 0; i < length; i++) {
      int d = query[i] - codes[offset + i];
      sum += d * d;
    }
    return sum;
  }

  @Override
  public int dot(short[] query, byte[] codes, int offset, int length) {
    int sum = 0;
    for (int i = 0; i < length; i++) {
      sum += query[i] * codes[offset + i];
    }
    return sum;
  }

  @Override
  public int dotNibbles(short[] query, byte[] codes, int offset, int blocks) {
    int sum = 0;
    for (int b = 0; b < blocks; b++) {
      int q = b * NibbleCodes.BLOCK_DIMENSIONS;
      int c = offset + b * NibbleCodes.BLOCK_BYTES;
      for (int j = 0; j < NibbleCodes.BLOCK_BYTES; j++) {
        sum += query[q + j] * ((codes[c + j] & 0x0F) << 3)
            + query[q + NibbleCodes.BLOCK_BYTES + j] * (((codes[c + j] >>> 4) & 0x0F) << 3);
      }
    }
    return sum;
  }

  @Override
  public String name() {
    return "scalar";
  }
}

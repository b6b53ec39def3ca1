package io.embeddinghub.index.simd;

import io.embeddinghub.index.NibbleCodes;
import io.embeddinghub.index.ScalarKernels;
import io.embeddinghub.index.ScalarQuantizer;
import io.embeddinghub.index.VectorKernels;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on {@code jdk.incubator.vector} (the preferred species of this CPU: 16 lanes with
 * AVX-512). Loaded only through {@link VectorKernels#best()} when the module is present. A
 * package of its own, so that tools run without the module (Javadoc) can leave it out.
 */
public final class SimdKernels implements VectorKernels {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  /** Codes: 16 bytes widened to 16 shorts, their squares or products to two vectors of 8 ints. */
  private static final VectorSpecies<Byte> CODES = ByteVector.SPECIES_128;
  private static final VectorSpecies<Short> WIDE = ShortVector.SPECIES_256;
  private static final VectorSpecies<Integer> SUMS = IntVector.SPECIES_256;
  /** Whether this CPU has 256-bit integer vectors; without, the code kernels run as plain loops. */
  private static final boolean WIDE_INTS = IntVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  private static final ScalarKernels SCALAR = new ScalarKernels();
  /** Exact sums: four floats widened to four doubles; four such vectors are the sixteen partial sums. */
  private static final VectorSpecies<Float> NARROW = FloatVector.SPECIES_128;
  private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_256;
  /** Whether this CPU has 256-bit double vectors; without, the exact sums run as plain loops. */
  private static final boolean WIDE_DOUBLES = DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  /** The bits of a four-bit code. */
  private static final short NIBBLE = 0x0F;
  /**
   * Blocks of four-bit products summed in a short lane before widening: each adds at most
   * 2 x 120 x 15 = 3,600 (a query code of at most 120, a row's code of at most 15), and eight
   * such, 28,800, fit a short.
   */
  private static final int SHORT_SUM_BLOCKS = 8;

  @Override
  public float squaredL2(float[] a, int aOff, float[] b, int bOff, int length) {
    int lanes = SPECIES.length();
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = FloatVector.zero(SPECIES);
    FloatVector acc2 = FloatVector.zero(SPECIES);
    FloatVector acc3 = FloatVector.zero(SPECIES);
    int i = 0;
    int bound4 = length - length % (4 * lanes);
    for (; i < bound4; i += 4 * lanes) { // four independent chains hide the FMA latency
      FloatVector d0 = FloatVector.fromArray(SPECIES, a, aOff + i).sub(FloatVector.fromArray(SPECIES, b, bOff + i));
      FloatVector d1 = FloatVector.fromArray(SPECIES, a, aOff + i + lanes)
          .sub(FloatVector.fromArray(SPECIES, b, bOff + i + lanes));
      FloatVector d2 = FloatVector.fromArray(SPECIES, a, aOff + i + 2 * lanes)
          .sub(FloatVector.fromArray(SPECIES, b, bOff + i + 2 * lanes));
      FloatVector d3 = FloatVector.fromArray(SPECIES, a, aOff + i + 3 * lanes)
          .sub(FloatVector.fromArray(SPECIES, b, bOff + i + 3 * lanes));
      acc0 = d0.fma(d0, acc0);
      acc1 = d1.fma(d1, acc1);
      acc2 = d2.fma(d2, acc2);
      acc3 = d3.fma(d3, acc3);
    }
    int bound = SPECIES.loopBound(length);
    for (; i < bound; i += lanes) {
      FloatVector d = FloatVector.fromArray(SPECIES, a, aOff + i).sub(FloatVector.fromArray(SPECIES, b, bOff + i));
      acc0 = d.fma(d, acc0);
    }
    float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) {
      float d = a[aOff + i] - b[bOff + i];
      sum += d * d;
    }
    return sum;
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int length) {
    int lanes = SPECIES.length();
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = FloatVector.zero(SPECIES);
    FloatVector acc2 = FloatVector.zero(SPECIES);
    FloatVector acc3 = FloatVector.zero(SPECIES);
    int i = 0;
    int bound4 = length - length % (4 * lanes);
    for (; i < bound4; i += 4 * lanes) {
      acc0 = FloatVector.fromArray(SPECIES, a, aOff + i).fma(FloatVector.fromArray(SPECIES, b, bOff + i), acc0);
      acc1 = FloatVector.fromArray(SPECIES, a, aOff + i + lanes)
          .fma(FloatVector.fromArray(SPECIES, b, bOff + i + lanes), acc1);
      acc2 = FloatVector.fromArray(SPECIES, a, aOff + i + 2 * lanes)
          .fma(FloatVector.fromArray(SPECIES, b, bOff + i + 2 * lanes), acc2);
      acc3 = FloatVector.fromArray(SPECIES, a, aOff + i + 3 * lanes)
          .fma(FloatVector.fromArray(SPECIES, b, bOff + i + 3 * lanes), acc3);
    }
    int bound = SPECIES.loopBound(length);
    for (; i < bound; i += lanes) {
      acc0 = FloatVector.fromArray(SPECIES, a, aOff + i).fma(FloatVector.fromArray(SPECIES, b, bOff + i), acc0);
    }
    float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) {
      sum += a[aOff + i] * b[bOff + i];
    }
    return sum;
  }

  @Override
  public double exactSquaredL2(float[] a, int aOff, float[] b, int bOff, int length) {
    if (!WIDE_DOUBLES) {
      return SCALAR.exactSquaredL2(a, aOff, b, bOff, length);
    }
    // lane j of sums s0..s3 is partial sum 4 x (vector) + j: the scalar kernels' i mod 16
    DoubleVector s0 = DoubleVector.zero(DOUBLES);
    DoubleVector s1 = DoubleVector.zero(DOUBLES);
    DoubleVector s2 = DoubleVector.zero(DOUBLES);
    DoubleVector s3 = DoubleVector.zero(DOUBLES);
    int i = 0;
    for (; i + EXACT_PARTIAL_SUMS <= length; i += EXACT_PARTIAL_SUMS) {
      DoubleVector d0 = wide(a, aOff + i).sub(wide(b, bOff + i));
      DoubleVector d1 = wide(a, aOff + i + 4).sub(wide(b, bOff + i + 4));
      DoubleVector d2 = wide(a, aOff + i + 8).sub(wide(b, bOff + i + 8));
      DoubleVector d3 = wide(a, aOff + i + 12).sub(wide(b, bOff + i + 12));
      s0 = s0.add(d0.mul(d0));
      s1 = s1.add(d1.mul(d1));
      s2 = s2.add(d2.mul(d2));
      s3 = s3.add(d3.mul(d3));
    }
    double[] partial = partialSums(s0, s1, s2, s3);
    for (; i < length; i++) {
      double d = (double) a[aOff + i] - b[bOff + i];
      partial[i & (EXACT_PARTIAL_SUMS - 1)] += d * d;
    }
    return ScalarKernels.addPartialSums(partial);
  }

  @Override
  public double exactDot(float[] a, int aOff, float[] b, int bOff, int length) {
    if (!WIDE_DOUBLES) {
      return SCALAR.exactDot(a, aOff, b, bOff, length);
    }
    DoubleVector s0 = DoubleVector.zero(DOUBLES);
    DoubleVector s1 = DoubleVector.zero(DOUBLES);
    DoubleVector s2 = DoubleVector.zero(DOUBLES);
    DoubleVector s3 = DoubleVector.zero(DOUBLES);
    int i = 0;
    for (; i + EXACT_PARTIAL_SUMS <= length; i += EXACT_PARTIAL_SUMS) {
      s0 = s0.add(wide(a, aOff + i).mul(wide(b, bOff + i)));
      s1 = s1.add(wide(a, aOff + i + 4).mul(wide(b, bOff + i + 4)));
      s2 = s2.add(wide(a, aOff + i + 8).mul(wide(b, bOff + i + 8)));
      s3 = s3.add(wide(a, aOff + i + 12).mul(wide(b, bOff + i + 12)));
    }
    double[] partial = partialSums(s0, s1, s2, s3);
    for (; i < length; i++) {
      partial[i & (EXACT_PARTIAL_SUMS - 1)] += (double) a[aOff + i] * b[bOff + i];
    }
    return ScalarKernels.addPartialSums(partial);
  }

  /** Four floats from {@code offset}, widened to doubles (exactly). */
  private static DoubleVector wide(float[] values, int offset) {
    return (DoubleVector) FloatVector.fromArray(NARROW, values, offset).convertShape(VectorOperators.F2D, DOUBLES, 0);
  }

  /** The sixteen partial sums, in order: no lane reduction, whose order is not specified. */
  private static double[] partialSums(DoubleVector s0, DoubleVector s1, DoubleVector s2, DoubleVector s3) {
    double[] partial = new double[EXACT_PARTIAL_SUMS];
    s0.intoArray(partial, 0);
    s1.intoArray(partial, 4);
    s2.intoArray(partial, 8);
    s3.intoArray(partial, 12);
    return partial;
  }

  @Override
  public int squaredL2(short[] query, byte[] codes, int offset, int length) {
    if (!WIDE_INTS) {
      return SCALAR.squaredL2(query, codes, offset, length);
    }
    IntVector acc0 = IntVector.zero(SUMS);
    IntVector acc1 = IntVector.zero(SUMS);
    int lanes = CODES.length();
    int i = 0;
    int bound = length - length % (2 * lanes);
    for (; i < bound; i += 2 * lanes) {
      ShortVector d0 = ShortVector.fromArray(WIDE, query, i).sub(widen(codes, offset + i));
      ShortVector d1 = ShortVector.fromArray(WIDE, query, i + lanes).sub(widen(codes, offset + i + lanes));
      // seven-bit codes: two squared differences (at most 2 x 127^2) still fit a short
      ShortVector squares = d0.mul(d0).add(d1.mul(d1));
      acc0 = acc0.add((IntVector) squares.convertShape(VectorOperators.S2I, SUMS, 0));
      acc1 = acc1.add((IntVector) squares.convertShape(VectorOperators.S2I, SUMS, 1));
    }
    int sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) {
      int d = query[i] - codes[offset + i];
      sum += d * d;
    }
    return sum;
  }

  @Override
  public int dot(short[] query, byte[] codes, int offset, int length) {
    if (!WIDE_INTS) {
      return SCALAR.dot(query, codes, offset, length);
    }
    IntVector acc0 = IntVector.zero(SUMS);
    IntVector acc1 = IntVector.zero(SUMS);
    int lanes = CODES.length();
    int i = 0;
    int bound = length - length % (2 * lanes);
    for (; i < bound; i += 2 * lanes) {
      // seven-bit codes: two products (at most 2 x 127^2) still fit a short
      ShortVector products = ShortVector.fromArray(WIDE, query, i).mul(widen(codes, offset + i))
          .add(ShortVector.fromArray(WIDE, query, i + lanes).mul(widen(codes, offset + i + lanes)));
      acc0 = acc0.add((IntVector) products.convertShape(VectorOperators.S2I, SUMS, 0));
      acc1 = acc1.add((IntVector) products.convertShape(VectorOperators.S2I, SUMS, 1));
    }
    int sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < length; i++) {
      sum += query[i] * codes[offset + i];
    }
    return sum;
  }

  @Override
  public int dotNibbles(short[] query, byte[] codes, int offset, int blocks) {
    if (!WIDE_INTS) {
      return SCALAR.dotNibbles(query, codes, offset, blocks);
    }
    // plain nibbles (not times eight): a block adds at most 2 x 120 x 15 to a short lane, so
    // SHORT_SUM_BLOCKS blocks sum in shorts before one widening to ints; the sum times eight is
    // the contract's, the same integer
    IntVector acc0 = IntVector.zero(SUMS);
    IntVector acc1 = IntVector.zero(SUMS);
    int b = 0;
    while (b < blocks) {
      int end = Math.min(blocks, b + SHORT_SUM_BLOCKS);
      ShortVector products = ShortVector.zero(WIDE);
      for (; b < end; b++) {
        ShortVector packed = widen(codes, offset + b * NibbleCodes.BLOCK_BYTES);
        int q = b * NibbleCodes.BLOCK_DIMENSIONS;
        products = products.add(ShortVector.fromArray(WIDE, query, q).mul(packed.and(NIBBLE)))
            .add(ShortVector.fromArray(WIDE, query, q + NibbleCodes.BLOCK_BYTES)
                .mul(packed.lanewise(VectorOperators.ASHR, 4).and(NIBBLE)));
      }
      acc0 = acc0.add((IntVector) products.convertShape(VectorOperators.S2I, SUMS, 0));
      acc1 = acc1.add((IntVector) products.convertShape(VectorOperators.S2I, SUMS, 1));
    }
    return ScalarQuantizer.QUERY_REFINEMENT * acc0.add(acc1).reduceLanes(VectorOperators.ADD);
  }

  /*
   * dotNibbles takes the nibbles apart after the bytes are widened to shorts: x86 has no shift of
   * byte lanes, so a byte-lane shift is emulated in several instructions, while a short-lane shift
   * is one (a probe on AVX2: 110 against 200 ns a 784-d row). The sign extension of the widening
   * only sets bits the mask clears.
   */

  private static ShortVector widen(byte[] codes, int offset) {
    return (ShortVector) ByteVector.fromArray(CODES, codes, offset).convertShape(VectorOperators.B2S, WIDE, 0);
  }

  @Override
  public String name() {
    return "simd-" + SPECIES.length() + "-lanes";
  }
}

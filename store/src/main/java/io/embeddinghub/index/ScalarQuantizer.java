package io.embeddinghub.index;

import java.util.Arrays;

/**
 * Codes of prepared vectors for the graph walk (issue #25): every value {@code x} becomes
 * {@code round((x - lower) / step)}, clamped to {@code [0, maxCode]}, one scale for all dimensions,
 * so that a query's codes and a row's compare with integer kernels ({@link
 * VectorKernels#squaredL2(short[], byte[], int, int)}). Seven bits keep a squared difference and a
 * product within a 16-bit lane, and two of them still.
 *
 * <p>{@code lower} and {@code step} are fitted to the values' {@link #CLIP} and {@code 1 - CLIP}
 * quantiles (of a sample), so that a few outliers do not widen the step for all: an outlier is
 * clamped, and the exact re-rank of the walk's candidates ({@link FlatHnswIndex}) corrects the
 * order it costs. Immutable.
 */
public final class ScalarQuantizer {
  /** The largest one-byte code: seven bits. */
  public static final int MAX_CODE = 127;
  /** The largest four-bit code. */
  public static final int MAX_NIBBLE = 15;
  /**
   * How much finer than its rows' four-bit codes a query is coded ({@link #finer}): the query's
   * codes then reach {@code 15 * 8 = 120}, still seven bits.
   */
  public static final int QUERY_REFINEMENT = 8;
  /** The share of values clamped at each end when fitting. */
  static final double CLIP = 0.0005;
  private static final int SAMPLE = 1 << 18;

  private final float lower;
  private final float step;
  private final int maxCode;

  private ScalarQuantizer(float lower, float step, int maxCode) {
    this.lower = lower;
    this.step = step;
    this.maxCode = maxCode;
  }

  /** The one-byte quantizer of these parameters, as an index file stores them. */
  public static ScalarQuantizer of(float lower, float step) {
    return of(lower, step, MAX_CODE);
  }

  /** The quantizer of these parameters and codes {@code 0..maxCode}, as an index file stores them. */
  public static ScalarQuantizer of(float lower, float step, int maxCode) {
    if (!Float.isFinite(lower) || !Float.isFinite(step) || step <= 0) {
      throw new IllegalArgumentException("quantizer lower " + lower + " and step " + step
          + " must be finite, the step positive");
    }
    if (maxCode != MAX_CODE && maxCode != MAX_NIBBLE) {
      throw new IllegalArgumentException(
          "quantizer codes up to " + maxCode + ", expected " + MAX_CODE + " or " + MAX_NIBBLE);
    }
    return new ScalarQuantizer(lower, step, maxCode);
  }

  /** Fits one-byte codes ({@link #MAX_CODE}) to {@code values}: see {@link #fit(float[], int)}. */
  public static ScalarQuantizer fit(float[] values) {
    return fit(values, MAX_CODE);
  }

  /**
   * Fits codes {@code 0..maxCode} to the range of {@code values} (prepared rows, flat), or of a
   * strided sample of them.
   */
  public static ScalarQuantizer fit(float[] values, int maxCode) {
    if (maxCode != MAX_CODE && maxCode != MAX_NIBBLE) {
      throw new IllegalArgumentException("codes up to " + maxCode + ", expected " + MAX_CODE + " or " + MAX_NIBBLE);
    }
    if (values.length == 0) {
      return new ScalarQuantizer(0f, 1f, maxCode);
    }
    int stride = Math.max(1, values.length / SAMPLE);
    float[] sample = new float[(values.length + stride - 1) / stride];
    for (int i = 0, j = 0; j < sample.length; i += stride, j++) {
      sample[j] = values[i];
    }
    Arrays.sort(sample);
    int clipped = (int) (sample.length * CLIP);
    float lo = sample[clipped];
    float hi = sample[sample.length - 1 - clipped];
    float step = hi > lo ? (hi - lo) / maxCode : 1f;
    if (!(step > 0) || !Float.isFinite(step)) { // a range too narrow (or wide) for a float step
      step = 1f;
    }
    return new ScalarQuantizer(lo, step, maxCode);
  }

  /**
   * The quantizer a query is coded with when its rows have four-bit codes: the same lower end, a
   * step {@link #QUERY_REFINEMENT} times finer, so that the query's code {@code q} compares with
   * a row's code {@code c} as {@code q - 8c}; only the rows' rounding is left in a distance.
   */
  public ScalarQuantizer finer() {
    return new ScalarQuantizer(lower, step / QUERY_REFINEMENT, maxCode * QUERY_REFINEMENT);
  }

  public float lower() {
    return lower;
  }

  public float step() {
    return step;
  }

  /** The largest code: {@link #MAX_CODE} or {@link #MAX_NIBBLE} (or a query's finer range). */
  public int maxCode() {
    return maxCode;
  }

  /** The codes of flat rows, one byte per value (four-bit codes are packed by {@link NibbleCodes}). */
  public byte[] encode(float[] values) {
    byte[] codes = new byte[values.length];
    encode(values, codes);
    return codes;
  }

  /** Writes the codes of {@code values} into {@code codes} (at least as long). */
  public void encode(float[] values, byte[] codes) {
    float inverse = 1f / step;
    for (int i = 0; i < values.length; i++) {
      int code = Math.round((values[i] - lower) * inverse);
      codes[i] = (byte) Math.max(0, Math.min(maxCode, code));
    }
  }

  /** The sum of each row's codes (rows of {@code dimensions}), which an inner product needs. */
  public static int[] rowSums(byte[] codes, int dimensions) {
    int[] sums = new int[dimensions == 0 ? 0 : codes.length / dimensions];
    for (int row = 0; row < sums.length; row++) {
      int sum = 0;
      for (int i = row * dimensions, end = i + dimensions; i < end; i++) {
        sum += codes[i];
      }
      sums[row] = sum;
    }
    return sums;
  }

  @Override
  public String toString() {
    return "ScalarQuantizer[lower=" + lower + ", step=" + step + ", maxCode=" + maxCode + "]";
  }
}

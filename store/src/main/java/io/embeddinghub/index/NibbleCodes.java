package io.embeddinghub.index;

/**
 * The layout of four-bit codes ({@link ScalarQuantizer#MAX_NIBBLE}): a row's dimensions in blocks
 * of {@link #BLOCK_DIMENSIONS}, each block in 16 bytes whose byte {@code j} holds the block's
 * dimension {@code j} in its low four bits and dimension {@code 16 + j} in its high four bits, so
 * that a kernel splits 16 loaded bytes into two runs of 16 consecutive dimensions with one mask
 * and one shift. A row's last block is padded with zero codes, and so is a query (the padding adds
 * nothing to a distance or a product).
 */
public final class NibbleCodes {
  /** Dimensions per block of 16 bytes. */
  public static final int BLOCK_DIMENSIONS = 32;
  /** Bytes per block. */
  public static final int BLOCK_BYTES = BLOCK_DIMENSIONS / 2;

  private NibbleCodes() {}

  /** Blocks per row of {@code dimensions}. */
  public static int blocks(int dimensions) {
    return (dimensions + BLOCK_DIMENSIONS - 1) / BLOCK_DIMENSIONS;
  }

  /** Bytes per packed row of {@code dimensions}. */
  public static int rowBytes(int dimensions) {
    return blocks(dimensions) * BLOCK_BYTES;
  }

  /** Dimensions of a padded row (and of a padded query). */
  public static int paddedDimensions(int dimensions) {
    return blocks(dimensions) * BLOCK_DIMENSIONS;
  }

  /**
   * Packs rows of one code per byte ({@code 0..15}, flat, rows of {@code dimensions}) into this
   * layout.
   *
   * @throws IllegalArgumentException if a code is outside {@code 0..15}
   */
  public static byte[] pack(byte[] codes, int dimensions) {
    int rows = dimensions == 0 ? 0 : codes.length / dimensions;
    int rowBytes = rowBytes(dimensions);
    byte[] packed = new byte[Math.multiplyExact(rows, rowBytes)];
    for (int row = 0; row < rows; row++) {
      int from = row * dimensions;
      int to = row * rowBytes;
      for (int i = 0; i < dimensions; i++) {
        int code = codes[from + i];
        if (code < 0 || code > ScalarQuantizer.MAX_NIBBLE) {
          throw new IllegalArgumentException("code " + code + " of row " + row + ", dimension " + i
              + " does not fit four bits");
        }
        int block = i / BLOCK_DIMENSIONS;
        int within = i % BLOCK_DIMENSIONS;
        int at = to + block * BLOCK_BYTES + within % BLOCK_BYTES;
        packed[at] |= (byte) (within < BLOCK_BYTES ? code : code << 4);
      }
    }
    return packed;
  }

  /** The code of {@code dimension} in the packed row at {@code rowOffset}. */
  public static int code(byte[] packed, int rowOffset, int dimension) {
    int within = dimension % BLOCK_DIMENSIONS;
    int b = packed[rowOffset + dimension / BLOCK_DIMENSIONS * BLOCK_BYTES + within % BLOCK_BYTES];
    return within < BLOCK_BYTES ? b & 0x0F : (b >>> 4) & 0x0F;
  }

  /** The sum of each packed row's codes (rows of {@code dimensions}), which an inner product needs. */
  public static int[] rowSums(byte[] packed, int dimensions) {
    int rowBytes = rowBytes(dimensions);
    int[] sums = new int[packed.length / rowBytes];
    for (int row = 0; row < sums.length; row++) {
      int sum = 0;
      for (int i = row * rowBytes, end = i + rowBytes; i < end; i++) {
        sum += (packed[i] & 0x0F) + ((packed[i] >>> 4) & 0x0F);
      }
      sums[row] = sum;
    }
    return sums;
  }

  /**
   * Each row's sum of squares of its codes as the kernels scale them ({@code (8c)^2}): with a
   * query's own sum of squares and {@link VectorKernels#dotNibbles}, the squared distance between
   * the query's codes and the row's eightfold codes: {@code |q|^2 - 2 q.c + |c|^2}.
   */
  public static int[] rowSquares(byte[] packed, int dimensions) {
    int rowBytes = rowBytes(dimensions);
    int scale = ScalarQuantizer.QUERY_REFINEMENT * ScalarQuantizer.QUERY_REFINEMENT;
    int[] squares = new int[packed.length / rowBytes];
    for (int row = 0; row < squares.length; row++) {
      int sum = 0;
      for (int i = row * rowBytes, end = i + rowBytes; i < end; i++) {
        int low = packed[i] & 0x0F;
        int high = (packed[i] >>> 4) & 0x0F;
        sum += low * low + high * high;
      }
      squares[row] = scale * sum;
    }
    return squares;
  }
}

package io.embeddinghub.index;

/** {@link FloatRows} in one flat array on the heap. */
public final class HeapFloatRows implements FloatRows {
  private final float[] vectors;
  private final int dimensions;

  /** @param preparedVectors rows of {@code dimensions} prepared floats, in node order (not copied) */
  public HeapFloatRows(float[] preparedVectors, int dimensions) {
    if (dimensions <= 0 || preparedVectors.length % dimensions != 0) {
      throw new IllegalArgumentException(
          preparedVectors.length + " floats are not rows of " + dimensions + " dimensions");
    }
    this.vectors = preparedVectors;
    this.dimensions = dimensions;
  }

  /** The flat array itself (not a copy): read-only by contract. */
  public float[] array() {
    return vectors;
  }

  @Override
  public int rows() {
    return vectors.length / dimensions;
  }

  @Override
  public int dimensions() {
    return dimensions;
  }

  @Override
  public void copy(int node, float[] into) {
    System.arraycopy(vectors, node * dimensions, into, 0, dimensions);
  }

  @Override
  public float score(VectorKernels kernels, float[] preparedQuery, int node, boolean l2) {
    int offset = node * dimensions;
    return l2
        ? kernels.squaredL2(preparedQuery, 0, vectors, offset, dimensions)
        : 1f - kernels.dot(preparedQuery, 0, vectors, offset, dimensions);
  }

  @Override
  public float touch(int node) {
    return vectors[node * dimensions];
  }

  @Override
  public long heapBytes() {
    return 16 + 4L * vectors.length;
  }
}

package io.embeddinghub.index;

/**
 * The float32 rows of an index partition in node order, as the index measures them (prepared by
 * {@link IndexedRows#prepare}: unit length for cosine): what the re-rank of a quantized walk, the
 * float32 walk and exact answers read. On the heap ({@link HeapFloatRows}) while a partition is
 * built, or read in place from the space's data files ({@link MappedFloatRows}) once it is
 * loaded. Implementations are immutable and thread-safe.
 */
public interface FloatRows {
  int rows();

  int dimensions();

  /** Copies the prepared floats of {@code node} into {@code into[0, dimensions)}. */
  void copy(int node, float[] into);

  /** A new array with the prepared floats of {@code node}. */
  default float[] vector(int node) {
    float[] v = new float[dimensions()];
    copy(node, v);
    return v;
  }

  /** {@code squaredL2} of a prepared query to {@code node}'s row ({@code l2}), else {@code 1 - dot}. */
  float score(VectorKernels kernels, float[] preparedQuery, int node, boolean l2);

  /**
   * The first float of {@code node}, read only to start its cache miss before it is scored; the
   * value is not meaningful.
   */
  float touch(int node);

  /** Heap bytes these rows hold (not the files they may read from). */
  long heapBytes();
}

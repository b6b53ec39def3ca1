package io.embeddinghub.index;

import io.embeddinghub.format.FileContents;

/**
 * A data file's index together with the file's rows it searches over, cached as one: a query
 * needs both (the index finds rows, the rows give keys and exact distances), so they are kept
 * and evicted together.
 */
public record LoadedIndex(FileContents contents, VectorIndex index) {
  public long memoryBytes() {
    return contents.weightBytes() + index.memoryBytes();
  }
}

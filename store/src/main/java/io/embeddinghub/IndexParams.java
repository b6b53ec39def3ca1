package io.embeddinghub;

/**
 * HNSW parameters of a space, written to its log at creation: {@code m} (links per node),
 * {@code efConstruction} (candidate list while building) and {@code ef} (default candidate list
 * while searching). Immutable; validated on construction.
 */
public record IndexParams(int m, int efConstruction, int ef) implements java.io.Serializable {
  public static final IndexParams DEFAULT = new IndexParams(16, 200, 64);

  public IndexParams {
    if (m < 2 || m > 512) {
      throw new InvalidInputException("Invalid HNSW m " + m + ": must be in [2, 512]");
    }
    if (efConstruction < 1 || efConstruction > 100_000) {
      throw new InvalidInputException(
          "Invalid HNSW efConstruction " + efConstruction + ": must be in [1, 100000]");
    }
    if (ef < 1 || ef > 100_000) {
      throw new InvalidInputException("Invalid HNSW ef " + ef + ": must be in [1, 100000]");
    }
  }
}

package io.embeddinghub;

/**
 * Per-query settings of a nearest-neighbor search.
 *
 * @param ef candidate list size of the HNSW search (larger: better recall, slower); 0 uses the
 *     space's default ({@link IndexParams#ef()})
 * @param exact brute-force search over every live row: exact answers, for verification and tiny
 *     spaces
 */
public record SearchOptions(int ef, boolean exact) implements java.io.Serializable {
  /** The space's default ef, approximate search. */
  public static final SearchOptions DEFAULT = new SearchOptions(0, false);

  public SearchOptions {
    if (ef < 0 || ef > 100_000) {
      throw new InvalidInputException("Invalid ef " + ef + ": must be in [0, 100000] (0 = the space's default)");
    }
  }

  /** Approximate search with candidate list {@code ef}. */
  public static SearchOptions withEf(int ef) {
    return new SearchOptions(ef, false);
  }

  /** Exact (brute-force) search. */
  public static SearchOptions exactSearch() {
    return new SearchOptions(0, true);
  }
}

package io.embeddinghub;

/**
 * Per-query settings of a nearest-neighbor search.
 *
 * @param ef candidate list size of the HNSW search (larger: better recall, slower); 0 uses the
 *     space's default ({@link IndexParams#ef()})
 * @param exact brute-force search over every live row: exact answers, for verification and tiny
 *     spaces
 * @param nprobe index partitions probed per index build, nearest centroids first (larger: better
 *     recall, slower); 0 uses the space's default ({@link IndexParams#nprobe()}). Only builds split
 *     by a coarse quantizer have a choice; a query always probes more when the probed ones hold
 *     fewer than {@code k} live rows.
 * @param targetRecall when above 0, the space chooses ef and nprobe: the cheapest whose estimated
 *     recall@10 (measured at build time on each partition's recall sample, and for split builds on
 *     the routing of the training sample) reaches this value; see {@link Space#searchPlan}
 */
public record SearchOptions(int ef, boolean exact, int nprobe, double targetRecall) implements java.io.Serializable {
  /** The space's default ef and nprobe, approximate search. */
  public static final SearchOptions DEFAULT = new SearchOptions(0, false, 0, 0);

  public SearchOptions {
    if (ef < 0 || ef > 100_000) {
      throw new InvalidInputException("Invalid ef " + ef + ": must be in [0, 100000] (0 = the space's default)");
    }
    if (nprobe < 0 || nprobe > 100_000) {
      throw new InvalidInputException(
          "Invalid nprobe " + nprobe + ": must be in [0, 100000] (0 = the space's default)");
    }
    if (!(targetRecall >= 0 && targetRecall < 1)) {
      throw new InvalidInputException(
          "Invalid target recall " + targetRecall + ": must be in [0, 1) (0 = no target; exact search for 1)");
    }
    if (targetRecall > 0 && (ef > 0 || nprobe > 0 || exact)) {
      throw new InvalidInputException(
          "A target recall chooses ef and nprobe itself: give either targetRecall or ef/nprobe/exact");
    }
  }

  /** Approximate search with the cheapest ef and nprobe whose estimated recall@10 reaches {@code recall}. */
  public static SearchOptions targetRecall(double recall) {
    return new SearchOptions(0, false, 0, recall);
  }

  /** Approximate search with candidate list {@code ef}. */
  public static SearchOptions withEf(int ef) {
    return new SearchOptions(ef, false, 0, 0);
  }

  /** Exact (brute-force) search. */
  public static SearchOptions exactSearch() {
    return new SearchOptions(0, true, 0, 0);
  }

  /** These options probing {@code nprobe} partitions per index build. */
  public SearchOptions withNprobe(int probes) {
    return new SearchOptions(ef, exact, probes, targetRecall);
  }
}

package io.embeddinghub;

import io.embeddinghub.internal.Errors;

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
 * @param filter the keys the answer may hold ({@link KeyFilter#EVERY} for all): the search returns
 *     exactly {@code min(k, matching live rows)} neighbors (see {@link #withFilter})
 * @serial exclude Serialized by its components, documented above.
 */
public record SearchOptions(int ef, boolean exact, int nprobe, double targetRecall, KeyFilter filter)
    implements java.io.Serializable {
  /** The space's default ef and nprobe, approximate search. */
  public static final SearchOptions DEFAULT = new SearchOptions(0, false, 0, 0);

  /**
   * Validates the options.
   *
   * @param ef candidate list size, in [0, 100000]; 0 = the space's default
   * @param exact brute-force search over every live row
   * @param nprobe partitions probed per index build, in [0, 100000]; 0 = the space's default
   * @param targetRecall in [0, 1); above 0, the space chooses ef and nprobe
   * @param filter the keys the answer may hold; {@link KeyFilter#EVERY} for all
   * @throws InvalidInputException if a value is out of range, a target recall is combined with
   *     ef, nprobe or exact, or {@code filter} is null
   */
  public SearchOptions {
    Errors.checkNotNull(filter, "filter");
    if (ef < 0 || ef > 100_000) {
      throw Errors.notInRange("ef", ef, "[0, 100000] (0 = the space's default)");
    }
    if (nprobe < 0 || nprobe > 100_000) {
      throw Errors.notInRange("nprobe", nprobe, "[0, 100000] (0 = the space's default)");
    }
    if (!(targetRecall >= 0 && targetRecall < 1)) {
      throw Errors.notInRange("target recall", targetRecall, "[0, 1) (0 = no target; exact search for 1)");
    }
    if (targetRecall > 0 && (ef > 0 || nprobe > 0 || exact)) {
      throw Errors.targetRecallWithOtherOptions();
    }
  }

  /**
   * Options without a filter.
   *
   * @param ef candidate list size, in [0, 100000]; 0 = the space's default
   * @param exact brute-force search over every live row
   * @param nprobe partitions probed per index build, in [0, 100000]; 0 = the space's default
   * @param targetRecall in [0, 1); above 0, the space chooses ef and nprobe
   * @throws InvalidInputException as the canonical constructor
   */
  public SearchOptions(int ef, boolean exact, int nprobe, double targetRecall) {
    this(ef, exact, nprobe, targetRecall, KeyFilter.EVERY);
  }

  /**
   * Approximate search with the cheapest ef and nprobe whose estimated recall@10 reaches {@code recall}.
   *
   * @param recall the target recall@10, in (0, 1); 0 means no target (the space's defaults)
   * @return the options
   * @throws InvalidInputException if {@code recall} is outside [0, 1)
   */
  public static SearchOptions targetRecall(double recall) {
    return new SearchOptions(0, false, 0, recall);
  }

  /**
   * Approximate search with candidate list {@code ef}.
   *
   * @param ef the HNSW candidate list size, in [0, 100000]; 0 = the space's default
   * @return the options
   * @throws InvalidInputException if {@code ef} is out of range
   */
  public static SearchOptions withEf(int ef) {
    return new SearchOptions(ef, false, 0, 0);
  }

  /** {@return options for exact (brute-force) search} */
  public static SearchOptions exactSearch() {
    return new SearchOptions(0, true, 0, 0);
  }

  /**
   * These options probing {@code probes} partitions per index build.
   *
   * @param probes partitions probed per index build, in [0, 100000]; 0 = the space's default
   * @return the new options
   * @throws InvalidInputException if {@code probes} is out of range, or these options have a
   *     target recall and {@code probes} is above 0
   */
  public SearchOptions withNprobe(int probes) {
    return new SearchOptions(ef, exact, probes, targetRecall, filter);
  }

  /**
   * These options answering only with keys {@code keys} allows. The search still returns exactly
   * {@code min(k, matching live rows)} neighbors, nearest first. How it finds them depends on the
   * filter and the space: a set of few allowed keys is answered exactly, their embeddings fetched
   * by key; otherwise the index walk passes through rows the filter rejects and keeps only those
   * it allows (at least the recall of an unfiltered search with the same ef), and a partition
   * where the walk finds fewer than {@code k} allowed rows has its allowed rows ranked exactly.
   * {@link Space#searchPlan} names the strategy.
   *
   * @param keys the filter; {@link KeyFilter#EVERY} for none
   * @return the new options
   * @throws InvalidInputException if {@code keys} is null
   */
  public SearchOptions withFilter(KeyFilter keys) {
    return new SearchOptions(ef, exact, nprobe, targetRecall, Errors.checkNotNull(keys, "keys"));
  }

  /** {@return whether these options restrict the keys (a filter other than {@link KeyFilter#EVERY})} */
  public boolean filtered() {
    return !(filter instanceof KeyFilter.Every);
  }
}

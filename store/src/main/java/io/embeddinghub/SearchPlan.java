package io.embeddinghub;

/**
 * What a search of one version will do, as {@link Space#searchPlan} reports it: the ef and nprobe
 * the options resolve to (a target recall picks them; nprobe 0 = each split build's automatic
 * choice), and the recall@10 the index's build-time measurements predict for them (1.0 for exact
 * search and for rows in the unindexed tail).
 *
 * @param ef the HNSW candidate list size the search uses
 * @param nprobe partitions probed per split build; 0 = each build's automatic choice
 * @param exact whether the search is exact (brute force)
 * @param estimatedRecall the recall@10 the build-time measurements predict, in [0, 1]
 * @param filter how a {@link KeyFilter} is applied ({@link FilterStrategy#NONE} without one)
 */
public record SearchPlan(int ef, int nprobe, boolean exact, double estimatedRecall, FilterStrategy filter) {
  /**
   * A plan without a filter.
   *
   * @param ef the HNSW candidate list size the search uses
   * @param nprobe partitions probed per split build; 0 = each build's automatic choice
   * @param exact whether the search is exact (brute force)
   * @param estimatedRecall the recall@10 the build-time measurements predict, in [0, 1]
   */
  public SearchPlan(int ef, int nprobe, boolean exact, double estimatedRecall) {
    this(ef, nprobe, exact, estimatedRecall, FilterStrategy.NONE);
  }

  /**
   * This plan with {@code strategy} for its filter; an exact answer when the strategy ranks the
   * allowed rows exactly.
   *
   * @param strategy how the filter is applied
   * @return the plan
   */
  public SearchPlan withFilter(FilterStrategy strategy) {
    return strategy == FilterStrategy.ALLOWED_KEYS_EXACTLY
        ? new SearchPlan(0, 0, true, 1.0, strategy)
        : new SearchPlan(ef, nprobe, exact, estimatedRecall, strategy);
  }

  @Override
  public String toString() {
    String plan = exact ? "exact" : String.format(java.util.Locale.ROOT, "ef=%d, nprobe=%s, estimated recall@10=%.3f", ef,
        nprobe == 0 ? "auto" : String.valueOf(nprobe), estimatedRecall);
    return filter == FilterStrategy.NONE ? plan : plan + "; filter: " + filter;
  }
}

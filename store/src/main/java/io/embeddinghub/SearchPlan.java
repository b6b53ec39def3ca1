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
 */
public record SearchPlan(int ef, int nprobe, boolean exact, double estimatedRecall) {
  @Override
  public String toString() {
    return exact ? "exact" : String.format(java.util.Locale.ROOT, "ef=%d, nprobe=%s, estimated recall@10=%.3f", ef,
        nprobe == 0 ? "auto" : String.valueOf(nprobe), estimatedRecall);
  }
}

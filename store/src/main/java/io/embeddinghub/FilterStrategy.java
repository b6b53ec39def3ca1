package io.embeddinghub;

/**
 * How a search with a {@link KeyFilter} finds its rows, as {@link SearchPlan#filter()} reports it.
 * Every strategy returns exactly {@code min(k, matching live rows)} neighbors.
 */
public enum FilterStrategy {
  /** No filter. */
  NONE("no filter"),
  /**
   * The allowed keys are few (a {@link KeyFilter#in} set of at most {@value #ALLOWED_KEYS_EXACTLY_MAX}
   * keys, or under a thousandth of the live rows while their embeddings take at most {@value
   * #ALLOWED_ROWS_MAX_BYTES} bytes): their embeddings are fetched by key and ranked exactly, so the
   * answer is exact.
   */
  ALLOWED_KEYS_EXACTLY("allowed keys fetched by key and ranked exactly"),
  /**
   * Per index partition, by how many of its rows pass (counted once per filter and partition): at
   * most 2,048 or a fiftieth of them are ranked exactly; otherwise the index walk passes through
   * every row and answers only with allowed ones, and a partition where it finds fewer than {@code
   * k} has its allowed rows ranked exactly. Further partitions are searched while the answer is
   * short; the unindexed tail is scanned with the filter.
   */
  FILTERED_WALK("filtered index walk, or the allowed rows ranked exactly where a partition has few"),
  /** Exact search ({@link SearchOptions#exactSearch()}) over the rows the filter passes. */
  FILTERED_SCAN("exact scan of the rows the filter passes");

  /** The most keys of an allowed-key set always answered by {@link #ALLOWED_KEYS_EXACTLY}. */
  public static final int ALLOWED_KEYS_EXACTLY_MAX = 2048;

  /** The most bytes of embeddings a larger allowed-key set may fetch to be ranked exactly. */
  public static final long ALLOWED_ROWS_MAX_BYTES = 32L << 20;

  private final String description;

  FilterStrategy(String description) {
    this.description = description;
  }

  /**
   * The strategy for {@code options} on a version of {@code liveRows} live rows.
   *
   * @param options the search's options
   * @param liveRows the version's live rows
   * @param dimensions the space's dimensions
   * @return the strategy
   */
  public static FilterStrategy of(SearchOptions options, long liveRows, int dimensions) {
    KeyFilter filter = options.filter();
    if (!options.filtered()) {
      return NONE;
    }
    if (filter instanceof KeyFilter.In allowed) {
      long keys = allowed.keys().size();
      if (keys <= ALLOWED_KEYS_EXACTLY_MAX
          || keys * 1000L <= liveRows && keys * dimensions * Float.BYTES <= ALLOWED_ROWS_MAX_BYTES) {
        return ALLOWED_KEYS_EXACTLY;
      }
    }
    return options.exact() ? FILTERED_SCAN : FILTERED_WALK;
  }

  @Override
  public String toString() {
    return description;
  }
}

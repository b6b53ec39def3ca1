package io.embeddinghub.spark;

import io.embeddinghub.InvalidInputException;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.engine.Validation;
import java.io.Serializable;

/**
 * How {@link EmbeddingHubSpark#nearestNeighbors} runs a batch of queries: the per-query search
 * ({@code ef}, {@code nprobe}, a target recall, or exact) and how many partitions the queries are
 * split into. Every task searches one search unit (an index partition, or one bucket's unindexed
 * files) for one query partition, so a job runs up to {@code units × queryPartitions} search
 * tasks, each streaming its queries; more query partitions give smaller batches per task and more
 * parallelism.
 *
 * <pre>{@code
 * DistributedSearchOptions.of(SearchOptions.withEf(128)).withQueryPartitions(16)
 * }</pre>
 *
 * @param search the search of each query in each search unit
 * @param queryPartitions partitions of the queries, in [0, 100000]; 0 chooses enough to give every
 *     core of the cluster a task ({@code ceil(defaultParallelism / units)}, at least 1)
 * @serial exclude Serialized by its components, documented above.
 */
public record DistributedSearchOptions(SearchOptions search, int queryPartitions) implements Serializable {
  /** The space's default ef, approximate search, query partitions chosen from the cluster's cores. */
  public static final DistributedSearchOptions DEFAULT = new DistributedSearchOptions(SearchOptions.DEFAULT, 0);

  static final int MAX_QUERY_PARTITIONS = 100_000;

  /**
   * Validates the options.
   *
   * @param search the search of each query in each search unit, not null
   * @param queryPartitions partitions of the queries, in [0, 100000]; 0 = one task per core
   * @throws InvalidInputException if {@code queryPartitions} is out of range
   * @throws NullPointerException if {@code search} is null
   */
  public DistributedSearchOptions {
    if (search == null) {
      Validation.checkNotNull(search, "search");
    }
    if (queryPartitions < 0 || queryPartitions > MAX_QUERY_PARTITIONS) {
      throw SparkErrors.badQueryPartitions(queryPartitions, MAX_QUERY_PARTITIONS);
    }
  }

  /**
   * {@code search} with the query partitions chosen from the cluster's cores.
   *
   * @param search the search of each query, not null
   * @return the options
   * @throws NullPointerException if {@code search} is null
   */
  public static DistributedSearchOptions of(SearchOptions search) {
    return new DistributedSearchOptions(search, 0);
  }

  /**
   * These options, with the queries split into {@code queryPartitions} partitions.
   *
   * @param queryPartitions partitions of the queries, in [0, 100000]; 0 = one task per core
   * @return the new options
   * @throws InvalidInputException if {@code queryPartitions} is out of range
   */
  public DistributedSearchOptions withQueryPartitions(int queryPartitions) {
    return new DistributedSearchOptions(search, queryPartitions);
  }

  /** The query partitions of a job on {@code buckets} buckets in a cluster of {@code cores} cores. */
  int queryPartitionsFor(int buckets, int cores) {
    if (queryPartitions > 0) {
      return queryPartitions;
    }
    return Math.max(1, (cores + buckets - 1) / buckets);
  }
}

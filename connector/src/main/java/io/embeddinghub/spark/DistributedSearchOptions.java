package io.embeddinghub.spark;

import io.embeddinghub.InvalidInputException;
import io.embeddinghub.SearchOptions;
import java.io.Serializable;

/**
 * How {@link EmbeddingHubSpark#nearestNeighbors} runs a batch of queries: the per-query search
 * ({@code ef}, or exact) and how many partitions the queries are split into. Every task searches
 * one bucket's indexes for one query partition, so a job runs {@code buckets × queryPartitions}
 * search tasks, each streaming its queries; more query partitions give smaller batches per task
 * and more parallelism.
 *
 * <pre>{@code
 * DistributedSearchOptions.of(SearchOptions.withEf(128)).withQueryPartitions(16)
 * }</pre>
 *
 * @param search the search of each query in each bucket
 * @param queryPartitions partitions of the queries; 0 chooses enough to give every core of the
 *     cluster a task ({@code ceil(defaultParallelism / buckets)})
 */
public record DistributedSearchOptions(SearchOptions search, int queryPartitions) implements Serializable {
  /** The space's default ef, approximate search, query partitions chosen from the cluster's cores. */
  public static final DistributedSearchOptions DEFAULT = new DistributedSearchOptions(SearchOptions.DEFAULT, 0);

  static final int MAX_QUERY_PARTITIONS = 100_000;

  public DistributedSearchOptions {
    if (search == null) {
      throw new InvalidInputException("search must not be null");
    }
    if (queryPartitions < 0 || queryPartitions > MAX_QUERY_PARTITIONS) {
      throw new InvalidInputException("Invalid query partition count " + queryPartitions + ": must be in [0, "
          + MAX_QUERY_PARTITIONS + "] (0 = one task per core)");
    }
  }

  /** {@code search} with the query partitions chosen from the cluster's cores. */
  public static DistributedSearchOptions of(SearchOptions search) {
    return new DistributedSearchOptions(search, 0);
  }

  /** These options, with the queries split into {@code queryPartitions} partitions. */
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

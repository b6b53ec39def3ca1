package io.embeddinghub.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import io.embeddinghub.CommitConflictException;
import io.embeddinghub.IndexResult;
import io.embeddinghub.InvalidInputException;
import io.embeddinghub.OptimizeResult;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.VacuumOptions;
import io.embeddinghub.VacuumResult;
import io.embeddinghub.VerifyResult;
import io.embeddinghub.engine.EngineSpace;
import io.embeddinghub.engine.FoundRows;
import io.embeddinghub.engine.IndexBuildJob;
import io.embeddinghub.engine.OptimizeJob;
import io.embeddinghub.engine.Retry;
import io.embeddinghub.engine.EngineSnapshot;
import io.embeddinghub.engine.VacuumJob;
import io.embeddinghub.engine.Validation;
import io.embeddinghub.engine.VerifyJob;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Key-Value and Nearest-Neighbor interfaces at Spark scale: DataFrames of keys or queries in,
 * DataFrames out, without collecting to the driver and without shuffling the space's vectors.
 *
 * <pre>{@code
 * EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, "hdfs:///hubs/main");
 * Dataset<Row> vectors = hub.multiget("items", keysDf, MissingKeys.NULL);      // key, embedding
 * Dataset<Row> knn = hub.nearestNeighbors("items", queriesDf, 10);              // query_id, rank, key, distance
 * }</pre>
 *
 * Each operation pins the space's latest version once, on the driver, and every task reads it.
 */
public final class EmbeddingHubSpark {

  private final SparkSession spark;
  private final HubRef hub;

  private EmbeddingHubSpark(SparkSession spark, HubRef hub) {
    this.spark = spark;
    this.hub = hub;
  }

  /**
   * Opens the hub at {@code hubRoot} for jobs of {@code spark}, with the session's Hadoop
   * configuration (so Spark and Hadoop settings such as {@code embeddinghub.*} apply).
   *
   * @param spark the session the jobs run in
   * @param hubRoot the hub directory: a URI such as {@code hdfs:///hubs/main}, or a plain path
   * @return the hub's Spark interface
   * @throws InvalidInputException if {@code hubRoot} is null or blank
   * @throws NullPointerException if {@code spark} is null
   */
  public static EmbeddingHubSpark open(SparkSession spark, String hubRoot) {
    Validation.checkNotNull(spark, "spark");
    Validation.checkNotNull(hubRoot, "hubRoot");
    if (hubRoot.isBlank()) {
      throw SparkErrors.blankHubRoot();
    }
    return new EmbeddingHubSpark(spark, new HubRef(hubRoot, spark.sessionState().newHadoopConf()));
  }

  private EngineSnapshot pin(String space) {
    return pin(space, null);
  }

  /** The latest version of {@code space}, or {@code version} when not null. */
  EngineSnapshot pin(String space, Long version) {
    EngineSpace pinned = hub.engine().space(Validation.checkSpaceName(space));
    return version == null ? pinned.latest() : pinned.at(version);
  }

  /**
   * The embeddings of the keys in column {@code key} of {@code keys}, as {@code key, embedding}
   * rows (a key given twice comes back twice).
   *
   * <p>A small key set — at most {@code embeddinghub.read.point-lookup.max-keys} keys (default
   * 10,000; a Spark or Hadoop setting of that name, 0 = never) — is collected to the driver and
   * served there by point reads of only the row groups and pages that can hold the keys; the
   * result is a local relation (for {@link MissingKeys#FAIL}, absent keys fail this call). To find
   * out, a job reads up to that many keys plus one, so a larger key set's plan runs once more.
   * Larger key sets are shuffled to their buckets (only the keys); each task reads its buckets'
   * files in place, so the space's side is never shuffled.
   *
   * @param space the space to read
   * @param keys a DataFrame with a {@code key} column (cast to STRING); other columns are ignored
   * @param missing what to do with keys the space does not hold
   * @return {@code key STRING, embedding ARRAY<FLOAT>} rows (the embedding nullable only for
   *     {@link MissingKeys#NULL})
   * @throws io.embeddinghub.KeyNotFoundException for {@link MissingKeys#FAIL}, if a small key set
   *     has absent keys (a large one fails its job when the result is computed)
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   * @throws InvalidInputException if {@code keys} has no {@code key} column or the space name is
   *     invalid
   */
  public Dataset<Row> multiget(String space, Dataset<Row> keys, MissingKeys missing) {
    Validation.checkNotNull(keys, "keys");
    Validation.checkNotNull(missing, "missing");
    return multiget(pin(space), keys, missing);
  }

  /** {@link #multiget(String, Dataset, MissingKeys)} of a pinned version (the SQL {@code multiget} pins any). */
  Dataset<Row> multiget(EngineSnapshot state, Dataset<Row> keys, MissingKeys missing) {
    int buckets = state.spec().buckets();
    StructType out =
        new StructType()
            .add("key", DataTypes.StringType, false)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), missing == MissingKeys.NULL);
    Dataset<Row> keyColumn = keyColumn(keys);
    List<String> few = DriverLookup.fewKeys(keyColumn, hub.engine().settings().pointLookupMaxKeys());
    if (few != null) {
      Map<String, float[]> found = state.reader(hub.engine()).findAll(DriverLookup.lookedUp(few));
      DriverLookup.Answer answer = DriverLookup.answer(few, found, missing);
      if (!answer.absent().isEmpty()) {
        throw Validation.keysNotFound(state.space(), answer.absent());
      }
      return spark.createDataFrame(answer.rows(), out);
    }
    Dataset<Row> byBucket = BucketRouting.byKeyBucket(keyColumn, buckets);
    return byBucket.mapPartitions(new BucketLookup(hub, state, missing), Encoders.row(out));
  }

  /**
   * {@link #multiget(String, Dataset, MissingKeys)} leaving out absent keys.
   *
   * @param space the space to read
   * @param keys a DataFrame with a {@code key} column
   * @return {@code key, embedding} rows of the present keys
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   * @throws InvalidInputException if {@code keys} has no {@code key} column or the space name is
   *     invalid
   */
  public Dataset<Row> multiget(String space, Dataset<Row> keys) {
    return multiget(space, keys, MissingKeys.DROP);
  }

  /**
   * Upserts {@code key, embedding} rows as one version, through the {@code embeddinghub} data
   * source; a space that does not exist is created with the default settings and the embeddings'
   * dimensions.
   *
   * @param space the space to write
   * @param rows a DataFrame with a {@code key} STRING column and an {@code embedding} column of
   *     ARRAY&lt;FLOAT&gt; or ARRAY&lt;DOUBLE&gt;
   * @return the space's latest version once the write has committed (a commit by another writer,
   *     or an automatic optimize, right after it can make this a later version than the write's)
   * @throws InvalidInputException if the columns are missing or of the wrong type, or an embedding
   *     is invalid
   */
  public long multiset(String space, Dataset<Row> rows) {
    Validation.checkNotNull(rows, "rows");
    rows.write().format("embeddinghub").option("path", hub.root()).option("space", space).mode("append").save();
    return pin(space).version();
  }

  /**
   * Deletes the keys of column {@code key} as one version; returns how many were present. Up to
   * {@code embeddinghub.read.point-lookup.max-keys} keys are collected and their rows found on the
   * driver by point reads (see {@link #multiget(String, Dataset, MissingKeys)}); more keys
   * are shuffled to their buckets; each task finds its bucket's rows in the pinned version and
   * sends back only their positions, and the driver commits them. When a concurrent commit
   * changed the files of a bucket in between, the rows are found again on the new version (up to
   * {@value io.embeddinghub.engine.Retry#ATTEMPTS} times, then a {@link CommitConflictException}).
   *
   * @param space the space to delete from
   * @param keys a DataFrame with a {@code key} column (cast to STRING); absent keys are ignored
   * @return how many of the keys were present
   * @throws CommitConflictException if concurrent commits kept changing the buckets
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   * @throws InvalidInputException if {@code keys} has no {@code key} column or the space name is
   *     invalid
   */
  public long multidelete(String space, Dataset<Row> keys) {
    Validation.checkNotNull(keys, "keys");
    EngineSpace engine = hub.engine().space(Validation.checkSpaceName(space));
    int buckets = engine.spec().buckets();
    Dataset<Row> keyColumn = keyColumn(keys);
    List<String> few = DriverLookup.fewKeys(keyColumn, hub.engine().settings().pointLookupMaxKeys());
    Dataset<Row> byBucket = few != null ? null : BucketRouting.byKeyBucket(keyColumn, buckets);
    return Retry.onConflict(engine.name(), () -> {
      EngineSnapshot base = engine.latest();
      FoundRows rows = FoundRows.NONE;
      if (few != null) { // few keys: their rows found on the driver by point reads
        rows = base.reader(hub.engine()).findRows(few.iterator());
      } else {
        for (FoundRows found : byBucket.mapPartitions(new BucketDeletes(hub, base), Encoders.javaSerialization(FoundRows.class)).collectAsList()) {
          rows = rows.plus(found);
        }
      }
      return engine.commitDeletes(base, rows);
    });
  }

  /**
   * {@link #nearestNeighbors(String, Dataset, int, DistributedSearchOptions)} with the defaults.
   *
   * @param space the space to search
   * @param queries an {@code id} column and a {@code vector} or a {@code key} column
   * @param k how many neighbors per query, at least 0
   * @return {@code query_id, rank, key, distance} rows
   */
  public Dataset<Row> nearestNeighbors(String space, Dataset<Row> queries, int k) {
    return nearestNeighbors(space, queries, k, DistributedSearchOptions.DEFAULT);
  }

  /**
   * {@link #nearestNeighbors(String, Dataset, int, DistributedSearchOptions)} with this search.
   *
   * @param space the space to search
   * @param queries an {@code id} column and a {@code vector} or a {@code key} column
   * @param k how many neighbors per query, at least 0
   * @param options the per-query search (ef, nprobe, target recall or exact)
   * @return {@code query_id, rank, key, distance} rows
   */
  public Dataset<Row> nearestNeighbors(String space, Dataset<Row> queries, int k, SearchOptions options) {
    Validation.checkNotNull(options, "options");
    return nearestNeighbors(space, queries, k, DistributedSearchOptions.of(options));
  }

  /**
   * The {@code k} nearest stored keys for every query: {@code queries} has an {@code id} column
   * and either a {@code vector} column (ARRAY of FLOAT or DOUBLE) or a {@code key} column of
   * stored keys (the key itself is left out of its answer). Returns {@code query_id, rank, key,
   * distance}: exactly {@code min(k, n)} rows per query, ranked by distance then key.
   *
   * <p>Every query is fanned out to the version's search units — each index partition, and each
   * bucket's unindexed files (with {@code exact}: each bucket's files, scanned) — so a task holds
   * one partition or one bucket's tail; it searches it for one partition of the queries, streaming
   * them, and emits their local top-k; a window over each query keeps the global best k.
   *
   * @param space the space to search
   * @param queries an {@code id} column and a {@code vector} or a {@code key} column; other columns
   *     are ignored
   * @param k how many neighbors per query, at least 0
   * @param options the per-query search and the number of query partitions
   * @return {@code query_id, rank, key, distance} rows, {@code query_id} of the type of {@code id}
   *     and {@code rank} from 1
   * @throws InvalidInputException if {@code k} is negative, a column is missing or the space name
   *     is invalid
   * @throws io.embeddinghub.KeyNotFoundException for {@code key} queries, if a key is absent (as
   *     {@link #multiget(String, Dataset, MissingKeys)} with {@link MissingKeys#FAIL}: here for a
   *     small key set, otherwise when the result is computed)
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   */
  public Dataset<Row> nearestNeighbors(String space, Dataset<Row> queries, int k, DistributedSearchOptions options) {
    Validation.checkNotNull(queries, "queries");
    Validation.checkK(k);
    Validation.checkNotNull(options, "options");
    EngineSnapshot state = pin(space);
    int buckets = state.spec().buckets();
    List<String> columns = Arrays.asList(queries.columns());
    if (!columns.contains("id")) {
      throw SparkErrors.missingColumn("Queries", "an 'id'", columns);
    }
    Dataset<Row> prepared;
    if (columns.contains("vector")) {
      prepared = queries.select(col("id"), col("vector"), lit(null).cast(DataTypes.StringType).as("exclude"));
    } else if (columns.contains("key")) {
      Dataset<Row> vectors = multiget(space, queries.select(col("key")).distinct(), MissingKeys.FAIL);
      prepared =
          queries.select(col("id"), col("key")).join(vectors, "key")
              .select(col("id"), col("embedding").as("vector"), col("key").as("exclude"));
    } else {
      throw SparkErrors.missingColumn("Queries", "a 'vector' or a 'key'", columns);
    }
    DataType idType = queries.schema().apply("id").dataType();
    int units = BucketSearch.units(state, options.search());
    int queryPartitions = options.queryPartitionsFor(units, spark.sparkContext().defaultParallelism());
    Dataset<Row> fannedOut = BucketRouting.fanOut(prepared, "id", state, options.search(), units, queryPartitions);
    StructType local =
        new StructType()
            .add("query_id", idType, false)
            .add("key", DataTypes.StringType, false)
            .add("distance", DataTypes.FloatType, false);
    Dataset<Row> candidates =
        fannedOut.mapPartitions(BucketSearch.forQueries(hub, state, k, options.search(), space), Encoders.row(local));
    Column rank = row_number().over(Window.partitionBy(col("query_id")).orderBy(col("distance"), col("key")));
    return candidates.withColumn("rank", rank).where(col("rank").leq(k)).select("query_id", "rank", "key", "distance");
  }

  /** The most distinct keys {@link #allowedKeys} collects to the driver. */
  static final int MAX_ALLOWED_KEYS = 1_000_000;

  /**
   * A filter allowing only the keys in column {@code key} of {@code keys}, for {@link
   * SearchOptions#withFilter}: the nearest in-stock products, say, from {@code
   * spark.table("products").where("in_stock")}. The distinct keys are collected once on the driver
   * (at most {@value #MAX_ALLOWED_KEYS}) and shipped with the search's tasks; every query then
   * returns exactly {@code min(k, allowed live rows)} neighbors.
   *
   * <pre>{@code
   * KeyFilter inStock = hub.allowedKeys(spark.table("products").where("in_stock"));
   * hub.nearestNeighbors("items", queries, 10, SearchOptions.DEFAULT.withFilter(inStock));
   * }</pre>
   *
   * @param keys a DataFrame with a string column {@code key} (nulls are ignored)
   * @return the filter
   * @throws InvalidInputException if {@code keys} has no {@code key} column, or more than {@value
   *     #MAX_ALLOWED_KEYS} distinct keys
   */
  public io.embeddinghub.KeyFilter allowedKeys(Dataset<Row> keys) {
    Validation.checkNotNull(keys, "keys");
    List<String> columns = Arrays.asList(keys.columns());
    if (!columns.contains("key")) {
      throw SparkErrors.missingColumn("Allowed keys", "a 'key'", columns);
    }
    List<Row> rows = keys.select(col("key").cast(DataTypes.StringType)).where(col("key").isNotNull()).distinct()
        .limit(MAX_ALLOWED_KEYS + 1).collectAsList();
    if (rows.size() > MAX_ALLOWED_KEYS) {
      throw SparkErrors.tooManyAllowedKeys(MAX_ALLOWED_KEYS);
    }
    return io.embeddinghub.KeyFilter.in(rows.stream().map(r -> r.getString(0)).toList());
  }

  /**
   * Indexes the space's unindexed tail as a Spark job: one task per index partition, each holding
   * one partition in memory (for a split build, one task per tail file first assigns rows to
   * partitions), committed as one version. What {@code CALL <catalog>.system.build_index('space')}
   * runs.
   *
   * @param space the space to index
   * @return the version committed, and the partitions and rows indexed
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   */
  public IndexResult buildIndex(String space) {
    return IndexBuildJob.run(new SparkJobRunner(spark, hub), Validation.checkSpaceName(space));
  }

  /**
   * Optimizes the space as Spark jobs: one task per compaction group rewrites a bucket's small,
   * overlapping or deletion-heavy files into sorted files of the target size in bounded memory,
   * then the rows left unindexed are indexed one task per partition, and both commit as one
   * version. What {@code CALL <catalog>.system.optimize('space')} runs.
   *
   * @param space the space to optimize
   * @return what was compacted and indexed, and the last version committed
   * @throws CommitConflictException if a concurrent writer changed a bucket being compacted
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   */
  public OptimizeResult optimize(String space) {
    return OptimizeJob.run(new SparkJobRunner(spark, hub), Validation.checkSpaceName(space));
  }

  /**
   * Vacuums the space as a Spark job: the driver checks the retention (below {@code
   * embeddinghub.vacuum.min-retention} it is refused), expires the versions older than it and lists
   * the files no retained version (nor any other space, such as a fork) references; tasks delete
   * them. What {@code CALL <catalog>.system.vacuum('space', retention_hours => h)} runs. See
   * {@link io.embeddinghub.Space#vacuum(Duration)}.
   *
   * @param space the space to vacuum
   * @param retention how long a version stays readable after a newer one replaced it
   * @return the files deleted and versions expired
   * @throws InvalidInputException if {@code retention} is shorter than the hub's minimum
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   */
  public VacuumResult vacuum(String space, Duration retention) {
    return vacuum(space, retention, VacuumOptions.DEFAULT);
  }

  /**
   * {@link #vacuum(String, Duration)} with options: a dry run, or no retention check.
   *
   * @param space the space to vacuum
   * @param retention how long a version stays readable after a newer one replaced it
   * @param options the retention check and dry-run settings
   * @return the files deleted (or, for a dry run, that would be) and versions expired
   * @throws InvalidInputException if the retention check is on and {@code retention} is shorter
   *     than the hub's minimum
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   */
  public VacuumResult vacuum(String space, Duration retention, VacuumOptions options) {
    Validation.checkNotNull(retention, "retention");
    Validation.checkNotNull(options, "options");
    return VacuumJob.run(new SparkJobRunner(spark, hub), Validation.checkSpaceName(space), retention, options);
  }

  /**
   * Verifies the latest version of the space as a Spark job: the driver reads and checks the log,
   * tasks check the data and index files it references, a few files per task, one file at a time.
   * Changes nothing; the same result as {@link io.embeddinghub.EmbeddingHub#verify(String)}. What
   * {@code CALL <catalog>.system.verify('space')} runs.
   *
   * @param space the space's name
   * @return every damaged file, each named once
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no such space
   */
  public VerifyResult verify(String space) {
    return VerifyJob.latest(hub.engine(), Validation.checkSpaceName(space)).run(new SparkJobRunner(spark, hub));
  }

  /**
   * {@link #verify(String)} of one retained version.
   *
   * @param space the space's name
   * @param version the version whose files to check
   * @return every damaged file, each named once
   * @throws io.embeddinghub.VersionNotFoundException if the version does not exist or was vacuumed
   */
  public VerifyResult verify(String space, long version) {
    return VerifyJob.at(hub.engine(), Validation.checkSpaceName(space), version).run(new SparkJobRunner(spark, hub));
  }

  /**
   * {@link #verify(String)} of every retained version, each file checked once.
   *
   * @param space the space's name
   * @return every damaged file, each named once, at the oldest version referencing it
   */
  public VerifyResult verifyAll(String space) {
    return VerifyJob.all(hub.engine(), Validation.checkSpaceName(space)).run(new SparkJobRunner(spark, hub));
  }

  private static Dataset<Row> keyColumn(Dataset<Row> keys) {
    if (!Arrays.asList(keys.columns()).contains("key")) {
      throw SparkErrors.missingColumn("Keys", "a 'key'", Arrays.asList(keys.columns()));
    }
    return keys.select(col("key").cast(DataTypes.StringType).as("key"));
  }
}

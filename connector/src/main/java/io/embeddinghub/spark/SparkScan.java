package io.embeddinghub.spark;

import io.embeddinghub.engine.ScanFile;
import io.embeddinghub.engine.EngineSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.SupportsReportPartitioning;
import org.apache.spark.sql.connector.read.SupportsRuntimeV2Filtering;
import org.apache.spark.sql.connector.read.partitioning.KeyGroupedPartitioning;
import org.apache.spark.sql.connector.read.partitioning.Partitioning;
import org.apache.spark.sql.types.StructType;

/**
 * A scan of one pinned version: its input partitions are the version's live data files that
 * survive bucket and key-range pruning. The version is fixed here, at planning, and travels in
 * every partition. Spark may narrow it at run time by {@code key} (dynamic partition pruning of a
 * join with a key table): the keys then prune buckets and files as a pushed {@code IN} does.
 */
final class SparkScan implements Scan, Batch, SupportsReportPartitioning, SupportsRuntimeV2Filtering {
  private final HubRef hub;
  private final EngineSnapshot state;
  private final StructType readSchema;
  private KeyPredicates predicates;

  SparkScan(HubRef hub, EngineSnapshot state, StructType readSchema, KeyPredicates predicates) {
    this.hub = hub;
    this.state = state;
    this.readSchema = readSchema;
    this.predicates = predicates;
  }

  @Override
  public StructType readSchema() {
    return readSchema;
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    int dims = state.spec().dimensions();
    boolean keysOnly = readSchema.fields().length == 1;
    Set<Integer> buckets = predicates.buckets(state.spec().buckets());
    List<InputPartition> partitions = new ArrayList<>();
    for (ScanFile f : state.files()) {
      if (f.liveRows() == 0 || (buckets != null && !buckets.contains(f.bucket())) || !predicates.mayMatch(f)) {
        continue;
      }
      partitions.add(new SparkInputPartition(hub, f, dims, keysOnly));
    }
    return partitions.toArray(new InputPartition[0]);
  }

  @Override
  public NamedReference[] filterAttributes() {
    return new NamedReference[] {Expressions.column(SparkSchemas.KEY)};
  }

  @Override
  public void filter(Predicate[] runtimeFilters) {
    predicates = predicates.and(runtimeFilters);
  }

  /** Rows are partitioned by {@code bucket(B, key)}: a key's row is in its bucket's partition. */
  @Override
  public Partitioning outputPartitioning() {
    int buckets = state.spec().buckets();
    long partitionKeys =
        java.util.Arrays.stream(planInputPartitions())
            .map(p -> ((SparkInputPartition) p).file().bucket())
            .distinct()
            .count();
    return new KeyGroupedPartitioning(
        new Expression[] {Expressions.bucket(buckets, SparkSchemas.KEY)}, (int) partitionKeys);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new SparkPartitionReaderFactory();
  }

  @Override
  public String description() {
    return "EmbeddingHubScan(" + hub + "/" + state.space() + "@v" + state.version()
        + ", columns=" + String.join(",", readSchema.fieldNames())
        + (predicates.isEmpty() ? "" : ", keyFilters=" + predicates) + ")";
  }

  @Override
  public String toString() {
    return description();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SparkScan)) {
      return false;
    }
    SparkScan that = (SparkScan) o;
    return hub.equals(that.hub)
        && state.space().equals(that.state.space())
        && state.version() == that.state.version()
        && readSchema.equals(that.readSchema)
        && predicates.toString().equals(that.predicates.toString());
  }

  @Override
  public int hashCode() {
    return Objects.hash(hub, state.space(), state.version(), readSchema, predicates.toString());
  }
}

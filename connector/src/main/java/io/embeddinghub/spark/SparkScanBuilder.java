package io.embeddinghub.spark;

import io.embeddinghub.engine.EngineSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.connector.read.SupportsPushDownV2Filters;
import org.apache.spark.sql.types.StructType;

/**
 * Takes the required columns (a keys-only read never decodes embeddings) and the predicates on
 * {@code key} (used to prune buckets and files; Spark still evaluates them on the rows read).
 */
final class SparkScanBuilder implements ScanBuilder, SupportsPushDownRequiredColumns, SupportsPushDownV2Filters {
  private final HubRef hub;
  private final EngineSnapshot state;
  private StructType schema = SparkSchemas.TABLE;
  private KeyPredicates predicates = KeyPredicates.none();
  private Predicate[] pushed = new Predicate[0];

  SparkScanBuilder(HubRef hub, EngineSnapshot state) {
    this.hub = hub;
    this.state = state;
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    boolean needsEmbedding = requiredSchema.getFieldIndex(SparkSchemas.EMBEDDING).isDefined();
    this.schema = needsEmbedding ? SparkSchemas.TABLE : SparkSchemas.KEYS_ONLY;
  }

  @Override
  public Predicate[] pushPredicates(Predicate[] all) {
    List<Predicate> used = new ArrayList<>();
    for (Predicate p : all) {
      if (KeyPredicates.understands(p)) {
        used.add(p);
      }
    }
    pushed = used.toArray(new Predicate[0]);
    predicates = KeyPredicates.none().and(pushed);
    return all; // pruning is by bucket and file; rows are still filtered by Spark
  }

  @Override
  public Predicate[] pushedPredicates() {
    return pushed;
  }

  @Override
  public Scan build() {
    return new SparkScan(hub, state, schema, predicates);
  }
}

package io.embeddinghub.spark;

import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code spark.read().format("embeddinghub").option("path", hubRoot).option("space", name)} and
 * the matching {@code df.write()}; see docs/SPARK.md for the options.
 */
public final class EmbeddingHubDataSource implements TableProvider, DataSourceRegister {
  @Override
  public String shortName() {
    return "embeddinghub";
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return SparkSchemas.TABLE;
  }

  @Override
  public boolean supportsExternalMetadata() {
    return true;
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    SparkOptions options = SparkOptions.parse(properties);
    HubRef hub = new HubRef(options.hubRoot(), SparkSession.active().sessionState().newHadoopConf());
    return new SparkSpaceTable(hub, options.space(), properties, null, null);
  }
}

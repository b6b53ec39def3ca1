package io.embeddinghub.spark;

import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.SupportsCatalogOptions;
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
public final class EmbeddingHubDataSource implements TableProvider, SupportsCatalogOptions, DataSourceRegister {
  /**
   * The catalog DataFrame reads and writes go through (Spark routes the errorifexists and ignore
   * save modes through a catalog): registered on first use, it takes the hub root from the
   * identifier's namespace, so it needs no path of its own.
   */
  static final String PATH_CATALOG = "embeddinghub_paths";

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
  public Identifier extractIdentifier(CaseInsensitiveStringMap options) {
    SparkOptions parsed = SparkOptions.parse(options);
    return Identifier.of(new String[] {parsed.hubRoot()}, parsed.space());
  }

  @Override
  public String extractCatalog(CaseInsensitiveStringMap options) {
    String key = "spark.sql.catalog." + PATH_CATALOG;
    SparkSession session = SparkSession.active();
    if (!session.conf().contains(key)) {
      session.conf().set(key, EmbeddingHubCatalog.class.getName());
    }
    return PATH_CATALOG;
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    SparkOptions options = SparkOptions.parse(properties);
    HubRef hub = new HubRef(options.hubRoot(), SparkSession.active().sessionState().newHadoopConf());
    return new SparkSpaceTable(hub, options.space(), properties, null, null);
  }
}

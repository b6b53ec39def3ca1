package io.embeddinghub.spark;

import org.apache.spark.sql.SparkSessionExtensions;

/**
 * {@code CALL} on Spark 4.0+ (the {@code procedures-native} shim): Spark parses it and asks the
 * catalog ({@link EmbeddingHubCatalog#loadProcedure}); the session extensions add nothing.
 */
final class ProcedureSupport {
  private ProcedureSupport() {}

  static void install(SparkSessionExtensions extensions) {}
}

package io.embeddinghub.bundle;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The application {@code SparkSubmitIT} submits with only the shaded jar added: it names our
 * classes only in configuration (the data source name, the catalog and the extensions), as a
 * user's job does. Writes a space, reads it back with a key filter, asks {@code nearest_neighbors},
 * joins with {@code APPROX NEAREST} (rewritten to the index probe; Spark 4.2 only), builds the index
 * with {@code CALL hub.system.build_index}, deletes through SQL; prints {@code BUNDLE OK} or exits 1.
 *
 * <p>Arguments: the hub root (also the catalog {@code hub}'s path); {@code nearest-by} or
 * {@code no-nearest-by} (the line has no NEAREST BY join: that step is left out).
 */
public final class BundleSmokeApp {
  private BundleSmokeApp() {}

  public static void main(String[] args) {
    String root = args[0];
    boolean nearestBy = args.length < 2 || args[1].equals("nearest-by");
    SparkSession spark = SparkSession.builder().getOrCreate();
    try {
      spark.range(0, 200).selectExpr("format_string('k%03d', id) AS key",
              "array(CAST(id AS FLOAT), CAST(id % 7 AS FLOAT), CAST(1 AS FLOAT)) AS embedding")
          .write().format("embeddinghub").option("path", root).option("space", "items").option("dimensions", "3")
          .mode("append").save();
      check(spark.table("hub.items").count() == 200, "200 rows after the write");
      List<Row> one = spark.read().format("embeddinghub").option("path", root).option("space", "items").load()
          .where("key = 'k042'").collectAsList();
      check(one.size() == 1 && one.get(0).getList(1).equals(List.of(42f, 0f, 1f)), "k042 read back: " + one);

      // (10, 3, 1) is 0.2 away; (9, 2, 1) and (11, 4, 1) are next, at about 1.5
      List<String> probed = spark.sql("SELECT key FROM nearest_neighbors('hub.items', ARRAY(10.2, 3.0, 1.0), 3)")
          .collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
      check(probed.equals(List.of("k009", "k010", "k011")), "nearest_neighbors of (10.2, 3, 1): " + probed);
      if (nearestBy) {
        nearestByJoin(spark);
      }

      // CALL: Spark's own on 4.0+, the extensions' parser on 3.5
      Row built = spark.sql("CALL hub.system.build_index('items')").first();
      check(built.getLong(2) == 200, "CALL hub.system.build_index indexed the 200 rows: " + built);

      spark.sql("DELETE FROM hub.items WHERE key IN ('k000', 'k001')");
      check(spark.table("hub.items").count() == 198, "198 rows after DELETE");
      System.out.println("BUNDLE OK");
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
    spark.stop();
  }

  private static void nearestByJoin(SparkSession spark) {
    spark.sql("CREATE OR REPLACE TEMP VIEW q AS SELECT 1 AS id,"
        + " array(CAST(10.2 AS FLOAT), CAST(3 AS FLOAT), CAST(1 AS FLOAT)) AS v");
    String nearest = "SELECT q.id, s.key FROM q JOIN hub.items s APPROX NEAREST 3 BY DISTANCE"
        + " vector_l2_distance(q.v, s.embedding)";
    String plan = spark.sql(nearest).queryExecution().executedPlan().toString();
    check(plan.contains("EmbeddingHubNearestNeighbors"), "NEAREST BY runs as the index probe: " + plan);
    List<String> keys = spark.sql(nearest).collectAsList().stream().map(r -> r.getString(1)).sorted().toList();
    // the same three as nearest_neighbors above
    check(keys.equals(List.of("k009", "k010", "k011")), "3 nearest of (10.2, 3, 1): " + keys);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("Bundle smoke test failed: " + what);
    }
  }
}

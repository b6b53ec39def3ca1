package io.embeddinghub.examples;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The quickstart in Spark terms: write a space from a DataFrame, read it back (also with the
 * embedded API), upsert, time travel, delete through SQL.
 *
 * <p>From Maven (local[*]): {@code mvn -B -q install -DskipTests && mvn -B -q -pl examples exec:java
 * -Dexec.mainClass=io.embeddinghub.examples.SparkQuickstart}. On a Spark 4.2 installation, after
 * {@code mvn -B -q package -DskipTests} in the repository root, the Spark bundle is the only jar to
 * add (store, connector and their shaded dependencies):
 * {@code spark-submit --jars spark-bundle/target/embeddinghub-spark-4.2_2.13-0.1.0-SNAPSHOT.jar
 * --class io.embeddinghub.examples.SparkQuickstart examples/target/embeddinghub-examples-0.1.0-SNAPSHOT.jar
 * hdfs:///hubs/demo}.
 */
public final class SparkQuickstart {
  private SparkQuickstart() {}

  public static void main(String[] args) throws Exception {
    String root = args.length > 0 ? args[0] : Files.createTempDirectory("embeddinghub-spark").toUri().toString();
    SparkSession spark =
        SparkSession.builder()
            .appName("embeddinghub-spark-quickstart")
            .master(System.getProperty("spark.master", "local[*]"))
            .config("spark.ui.enabled", "false")
            .config("spark.sql.catalog.hub", "io.embeddinghub.spark.EmbeddingHubCatalog")
            .config("spark.sql.catalog.hub.path", root)
            .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");

    step("Write a space from a DataFrame (created on first write; dimensions inferred)");
    StructType schema =
        new StructType().add("key", DataTypes.StringType).add("embedding", DataTypes.createArrayType(DataTypes.FloatType));
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create("apple", List.of(1f, 0f, 0f)));
    rows.add(RowFactory.create("orange", List.of(0.9f, 0.1f, 0f)));
    rows.add(RowFactory.create("potato", List.of(0f, 1f, 0f)));
    rows.add(RowFactory.create("chicken", List.of(0f, 0f, 1f)));
    spark.createDataFrame(rows, schema).write().format("embeddinghub")
        .option("path", root).option("space", "food").mode("append").save();

    step("Read it back with Spark");
    Dataset<Row> food = spark.read().format("embeddinghub").option("path", root).option("space", "food").load();
    food.orderBy("key").show(false);

    step("...and with the embedded API: the same format");
    Space space = EmbeddingHub.open(root).getSpace("food");
    System.out.println("embedded size = " + space.size() + ", nearest to apple: " + space.nearestNeighbors(1, "apple"));

    step("Upsert (append mode replaces existing keys)");
    spark.createDataFrame(List.of(RowFactory.create("apple", List.of(0.5f, 0.5f, 0f))), schema)
        .write().format("embeddinghub").option("path", root).option("space", "food").mode("append").save();
    spark.sql("SELECT key, embedding FROM hub.food WHERE key = 'apple'").show(false);

    step("Time travel: version 1 still has the old apple");
    spark.read().format("embeddinghub").option("path", root).option("space", "food")
        .option("versionAsOf", 1).load().where("key = 'apple'").show(false);
    spark.sql("SELECT key FROM hub.food VERSION AS OF 1 ORDER BY key").show(false);

    step("Delete through SQL, then the history");
    spark.sql("DELETE FROM hub.food WHERE key IN ('potato', 'chicken')");
    spark.sql("SELECT key FROM hub.food ORDER BY key").show(false);
    space.history().forEach(v -> System.out.println("  " + v));
    spark.stop();
  }

  private static void step(String title) {
    System.out.println();
    System.out.println("== " + title);
  }
}

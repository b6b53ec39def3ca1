"""EmbeddingHub from PySpark (Spark 4.2): DataFrame options and SQL only, with the Spark bundle as
the only added jar. From the repository root, after `mvn -B -q package -DskipTests`, with an empty
hub directory:

    spark-submit --jars spark-bundle/target/embeddinghub-spark-4.2_2.13-0.1.0-SNAPSHOT.jar \
        examples/pyspark/quickstart.py /tmp/embeddinghub-pyspark

The script configures the session itself (extensions and the catalog `hub` on that directory), so
the DataFrame API and SQL see the same spaces.
"""
import sys

from pyspark.sql import SparkSession

root = sys.argv[1] if len(sys.argv) > 1 else "/tmp/embeddinghub-pyspark"  # a path or URI: hdfs:///hubs/demo

spark = (
    SparkSession.builder.appName("embeddinghub-pyspark-quickstart")
    .config("spark.sql.extensions", "io.embeddinghub.spark.EmbeddingHubExtensions")
    .config("spark.sql.catalog.hub", "io.embeddinghub.spark.EmbeddingHubCatalog")
    .config("spark.sql.catalog.hub.path", root)
    .getOrCreate()
)


def space(reader_or_writer):
    """The space `items` of the hub, for a DataFrameReader or DataFrameWriter."""
    return reader_or_writer.format("embeddinghub").option("path", root).option("space", "items")


print("== Write a space from a DataFrame: the first write creates it (3 dimensions, inferred)")
items = spark.range(0, 1000).selectExpr(
    "format_string('k%04d', id) AS key",
    "array(CAST(id AS FLOAT), CAST(id % 7 AS FLOAT), CAST(1 AS FLOAT)) AS embedding",
)
space(items.write).mode("append").save()

print("== Read it back: DataFrame and SQL")
space(spark.read).load().where("key IN ('k0042', 'k0043')").orderBy("key").show(truncate=False)
spark.sql("SELECT count(*) AS row_count FROM hub.items").show()

print("== Upsert: append mode replaces the rows of existing keys")
before = int(spark.sql("SHOW TBLPROPERTIES hub.items ('version')").first()[1])
upsert = spark.createDataFrame([("k0042", [0.5, 0.5, 0.5])], "key STRING, embedding ARRAY<FLOAT>")
space(upsert.write).mode("append").save()
spark.sql("SELECT key, embedding FROM hub.items WHERE key = 'k0042'").show(truncate=False)

print(f"== Time travel: version {before} still has the old k0042")
space(spark.read).option("versionAsOf", before).load().where("key = 'k0042'").show(truncate=False)
spark.sql(f"SELECT key, embedding FROM hub.items VERSION AS OF {before} WHERE key = 'k0042'").show(truncate=False)

print("== Index the rows the writes left unindexed")
spark.sql("CALL hub.system.build_index('items')").show(truncate=False)

print("== Nearest neighbours: the table function (one query), by vector and by stored key")
spark.sql("SELECT * FROM nearest_neighbors('hub.items', ARRAY(10.2, 3.0, 1.0), 3)").show(truncate=False)
spark.sql("SELECT * FROM nearest_neighbors('hub.items', 'k0100', 3)").show(truncate=False)

print("== Nearest neighbours of many queries: Spark 4.2's APPROX NEAREST join, run as the index probe")
queries = spark.createDataFrame([(1, [10.2, 3.0, 1.0]), (2, [500.0, 3.0, 1.0])], "id INT, v ARRAY<FLOAT>")
queries.createOrReplaceTempView("queries")
spark.sql(
    "SELECT q.id, s.key FROM queries q JOIN hub.items s"
    " APPROX NEAREST 3 BY DISTANCE vector_l2_distance(q.v, s.embedding) ORDER BY q.id, s.key"
).show(truncate=False)

print("== Delete through SQL")
spark.sql("DELETE FROM hub.items WHERE key IN ('k0000', 'k0001')")
spark.sql("SELECT count(*) AS row_count FROM hub.items").show()

spark.stop()

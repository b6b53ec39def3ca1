// EmbeddingHub in spark-shell (Spark 4.2, Scala 2.13), with the Spark bundle as the only added jar.
// From the repository root, after `mvn -B -q package -DskipTests`, with an empty hub directory:
//
//   spark-shell --jars spark-bundle/target/embeddinghub-spark-4.2_2.13-0.1.0-SNAPSHOT.jar \
//     --conf spark.sql.extensions=io.embeddinghub.spark.EmbeddingHubExtensions \
//     --conf spark.sql.catalog.hub=io.embeddinghub.spark.EmbeddingHubCatalog \
//     --conf spark.sql.catalog.hub.path=/tmp/embeddinghub-shell \
//     -i examples/spark-shell/quickstart.scala
//
// or `:load examples/spark-shell/quickstart.scala` in a spark-shell started with those options.
// The DataFrame API writes to the catalog's path, so SQL (hub.items) sees the same space.
// :load reads a statement at a time, so every statement here stands on one line.

val root = spark.conf.get("spark.sql.catalog.hub.path")

println("== Write a space from a DataFrame: the first write creates it (3 dimensions, inferred)")
val items = spark.range(0, 1000).selectExpr("format_string('k%04d', id) AS key", "array(CAST(id AS FLOAT), CAST(id % 7 AS FLOAT), CAST(1 AS FLOAT)) AS embedding")
items.write.format("embeddinghub").option("path", root).option("space", "items").mode("append").save()

println("== Read it back: DataFrame and SQL")
val read = spark.read.format("embeddinghub").option("path", root).option("space", "items").load()
read.where("key IN ('k0042', 'k0043')").orderBy("key").show(false)
spark.sql("SELECT count(*) AS row_count FROM hub.items").show()

println("== Upsert: append mode replaces the rows of existing keys")
val before = spark.sql("SHOW TBLPROPERTIES hub.items ('version')").first().getString(1).toLong
Seq(("k0042", Seq(0.5f, 0.5f, 0.5f))).toDF("key", "embedding").write.format("embeddinghub").option("path", root).option("space", "items").mode("append").save()
spark.sql("SELECT key, embedding FROM hub.items WHERE key = 'k0042'").show(false)

println(s"== Time travel: version $before still has the old k0042")
spark.read.format("embeddinghub").option("path", root).option("space", "items").option("versionAsOf", before).load().where("key = 'k0042'").show(false)
spark.sql(s"SELECT key, embedding FROM hub.items VERSION AS OF $before WHERE key = 'k0042'").show(false)

println("== Index the rows the writes left unindexed")
spark.sql("CALL hub.system.build_index('items')").show(false)

println("== Nearest neighbours: the table function (one query), by vector and by stored key")
spark.sql("SELECT * FROM nearest_neighbors('hub.items', ARRAY(10.2, 3.0, 1.0), 3)").show(false)
spark.sql("SELECT * FROM nearest_neighbors('hub.items', 'k0100', 3)").show(false)

println("== Nearest neighbours of many queries: Spark 4.2's APPROX NEAREST join, run as the index probe")
Seq((1, Seq(10.2f, 3.0f, 1.0f)), (2, Seq(500.0f, 3.0f, 1.0f))).toDF("id", "v").createOrReplaceTempView("queries")
spark.sql("SELECT q.id, s.key FROM queries q JOIN hub.items s APPROX NEAREST 3 BY DISTANCE vector_l2_distance(q.v, s.embedding) ORDER BY q.id, s.key").show(false)

println("== Delete through SQL")
spark.sql("DELETE FROM hub.items WHERE key IN ('k0000', 'k0001')")
spark.sql("SELECT count(*) AS row_count FROM hub.items").show()

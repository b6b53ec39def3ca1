package io.embeddinghub.bench;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The other half of {@code bench/run.sh}'s headline: Fashion-MNIST's base rows written into a new
 * space of the benchmark's hub the way most users write one, by a DataFrame write with no option
 * (the write's action indexes what it wrote), on a local Spark session. {@link NearestNeighborBench}
 * {@code --search-dataframe} then sweeps that space in every round, beside the bulk-loaded one.
 *
 * <p>Arguments: {@code <train-images-idx> <hub-dir> [base]}: the hub is {@code <hub-dir>/hub}, as
 * {@code NearestNeighborBench --keep-hub} writes it; the space is
 * {@value NearestNeighborBench#DATAFRAME_SPACE_NAME}.
 */
public final class DataFrameWrittenSpace {
  private DataFrameWrittenSpace() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: DataFrameWrittenSpace <train-images-idx> <hub-dir> [base]");
      System.exit(2);
    }
    int count = args.length > 2 ? Integer.parseInt(args[2]) : 60_000;
    float[][] base = FashionMnist.read(Path.of(args[0]), count);
    String root = Path.of(args[1]).resolve("hub").toUri().toString();
    SparkSession spark = SparkSession.builder().master("local[*]").appName("embeddinghub-dataframe-write")
        .config("spark.ui.enabled", "false")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    try {
      Dataset<Row> rows = SparkBench.baseFrame(spark, base).cache();
      rows.count();
      double seconds = SparkBench.time(() -> rows.write().format("embeddinghub").option("path", root)
          .option("space", NearestNeighborBench.DATAFRAME_SPACE_NAME).mode("append").save());
      Space space = EmbeddingHub.open(root).getSpace(NearestNeighborBench.DATAFRAME_SPACE_NAME);
      System.out.printf(Locale.ROOT,
          "dataframe write: %,d rows in %.1f s (its action indexes them): %d data files, %d index partitions, "
              + "%,d rows unindexed%n",
          base.length, seconds, space.dataFiles().size(), space.indexPartitions().size(), space.unindexedRows());
    } finally {
      spark.stop();
    }
  }
}

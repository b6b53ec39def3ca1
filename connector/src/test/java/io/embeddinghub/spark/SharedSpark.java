package io.embeddinghub.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** One local SparkSession for the whole test JVM, with the catalog {@code hub} on a temp hub. */
final class SharedSpark {
  private static SparkSession spark;
  private static Path catalogRoot;

  private SharedSpark() {}

  static synchronized SparkSession session() {
    if (spark == null) {
      try {
        Path base = Path.of("target", "spark-hubs").toAbsolutePath();
        Files.createDirectories(base);
        catalogRoot = Files.createTempDirectory(base, "catalog");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("embeddinghub-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.sql.extensions", EmbeddingHubExtensions.class.getName())
              .config("spark.sql.catalog.hub", EmbeddingHubCatalog.class.getName())
              .config("spark.sql.catalog.hub.path", catalogRoot.toUri().toString())
              .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }

  /** The hub root behind the {@code hub} catalog. */
  static synchronized String catalogRoot() {
    session();
    return catalogRoot.toUri().toString();
  }

  /** A fresh, empty hub root. */
  static String newHubRoot() {
    try {
      Path base = Path.of("target", "spark-hubs").toAbsolutePath();
      Files.createDirectories(base);
      return Files.createTempDirectory(base, "hub").toUri().toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

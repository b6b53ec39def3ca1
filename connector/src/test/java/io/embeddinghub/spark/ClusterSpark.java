package io.embeddinghub.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * A SparkSession on {@code local-cluster[2,1,1024]}: a standalone master and two workers inside
 * this JVM, each running one executor as a separate JVM, so tasks and their closures are
 * serialized, executors keep their own caches and see only the Hadoop configuration shipped to
 * them, and an executor can be killed.
 *
 * <p>Workers launch executors with the classpath {@code $SPARK_HOME/jars/*}. No Spark
 * distribution is needed: {@link #prepareSparkHome} fills {@code $SPARK_HOME/jars} with links
 * to every jar of this JVM's classpath (Spark, Hadoop, Scala, the store and connector jars), and
 * the classpath's directories (test classes) reach executors through
 * {@code spark.executor.extraClassPath}. The build sets {@code SPARK_HOME},
 * {@code SPARK_SCALA_VERSION} and {@code SPARK_LOCAL_IP} (environment variables: the worker
 * reads them when it starts an executor) and passes the Java 17 flags Spark needs as the system
 * property {@link #EXECUTOR_FLAGS}. One SparkContext per JVM: run the suite in its own JVM.
 */
final class ClusterSpark {
  static final String MASTER = "local-cluster[2,1,1024]";
  /** System property holding the JVM flags executors need ({@code --add-opens …}). */
  static final String EXECUTOR_FLAGS = "embeddinghub.test.executor.jvm.flags";

  private ClusterSpark() {}

  /** Starts the cluster session, its catalog {@code hub} on {@code catalogRoot}. */
  static SparkSession start(String catalogRoot) {
    String sparkHome = requiredEnv("SPARK_HOME");
    requiredEnv("SPARK_SCALA_VERSION");
    String flags = System.getProperty(EXECUTOR_FLAGS);
    if (flags == null || flags.isBlank()) {
      throw new IllegalStateException("System property " + EXECUTOR_FLAGS
          + " (the executors' --add-opens flags) is not set: run this suite through Maven (failsafe)");
    }
    List<String> directories = prepareSparkHome(Path.of(sparkHome), io.embeddinghub.testing.TestClasspath.withoutObjectStores());
    SparkSession spark =
        SparkSession.builder()
            .master(MASTER)
            .appName("embeddinghub-cluster-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.executor.memory", "512m")
            .config("spark.executor.extraJavaOptions", flags)
            .config("spark.executor.extraClassPath", String.join(File.pathSeparator, directories))
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.extensions", EmbeddingHubExtensions.class.getName())
            .config("spark.sql.catalog.hub", EmbeddingHubCatalog.class.getName())
            .config("spark.sql.catalog.hub.path", catalogRoot)
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /**
   * Makes {@code sparkHome/jars} hold a link to each jar of {@code classPath} (replacing what it
   * held) and returns the classpath's directories, which a jars directory cannot hold.
   */
  static List<String> prepareSparkHome(Path sparkHome, String classPath) {
    Path jars = sparkHome.resolve("jars");
    List<String> directories = new ArrayList<>();
    try {
      deleteRecursively(jars);
      Files.createDirectories(jars);
      int n = 0;
      for (String entry : classPath.split(File.pathSeparator)) {
        if (entry.isBlank()) {
          continue;
        }
        Path path = Path.of(entry).toAbsolutePath();
        if (Files.isDirectory(path)) {
          directories.add(path.toString());
        } else if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".jar")) {
          // numbered: two artifacts may share a file name; the classpath order is kept
          Path link = jars.resolve(String.format("%04d-%s", n++, path.getFileName()));
          try {
            Files.createSymbolicLink(link, path);
          } catch (UnsupportedOperationException | IOException e) {
            Files.copy(path, link);
          }
        }
      }
      if (n == 0) {
        throw new IllegalStateException("No jar on the classpath to launch executors with: " + classPath);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare " + jars, e);
    }
    return directories;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p); // a link, never its target
      }
    }
  }

  private static String requiredEnv(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("Environment variable " + name
          + " is not set: the cluster suite runs through Maven (failsafe sets it)");
    }
    return value;
  }

  /** The executor JVMs: child processes of this JVM running {@code CoarseGrainedExecutorBackend}. */
  static List<ProcessHandle> executorProcesses() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
        .toList();
  }
}

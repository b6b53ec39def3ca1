package io.embeddinghub.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar works with {@code spark-submit --jars} on a plain Spark: an application is
 * launched through Spark's own submit entry point ({@code org.apache.spark.deploy.SparkSubmit},
 * from the Spark jars on this JVM's classpath, without our modules or the libraries the jar
 * shades) with only the jar added, and writes, reads, searches, joins NEAREST BY (Spark 4.2) and
 * deletes ({@link BundleSmokeApp}).
 *
 * <p>Every bundle module runs this class (spark-bundles/pom.xml): the Spark on the classpath is the
 * one of the bundle's line, and the system properties name the jar, the repository root, the pages
 * that must show the jar, and whether the line has the NEAREST BY join.
 */
class SparkSubmitIT {
  private static final Path BUNDLE = Path.of(System.getProperty("embeddinghub.test.bundle"));
  private static final Path REPO = Path.of(System.getProperty("embeddinghub.test.repo", "..")).toAbsolutePath().normalize();
  /** Whether the bundle's Spark line parses {@code APPROX NEAREST k BY} joins (Spark 4.2). */
  private static final boolean NEAREST_BY =
      "nearest-by".equals(System.getProperty("embeddinghub.test.shims.nearest-by", "nearest-by"));

  static boolean nearestBy() {
    return NEAREST_BY;
  }

  /** The application below runs on this JVM's Spark and Hadoop: those of a stock installation of the line. */
  @Test
  void theTestRunsOnTheSparkAndHadoopOfTheBundlesLine() {
    assertThat(org.apache.spark.package$.MODULE$.SPARK_VERSION())
        .isEqualTo(System.getProperty("embeddinghub.test.spark.version"));
    assertThat(org.apache.hadoop.util.VersionInfo.getVersion())
        .isEqualTo(System.getProperty("embeddinghub.test.hadoop.version"));
  }

  @Test
  void theJarHoldsOurClassesAndRelocatedDependenciesOnly() throws IOException {
    List<String> names;
    try (JarFile jar = new JarFile(BUNDLE.toFile())) {
      names = Collections.list(jar.entries()).stream().map(JarEntry::getName).toList();
    }
    assertThat(names).contains(
        "io/embeddinghub/spark/EmbeddingHubCatalog.class",
        "io/embeddinghub/EmbeddingHub.class",
        "META-INF/services/org.apache.spark.sql.sources.DataSourceRegister");
    assertThat(names).anyMatch(n -> n.startsWith("io/embeddinghub/shaded/com/github/jelmerk/"));
    assertThat(names).anyMatch(n -> n.startsWith("io/embeddinghub/shaded/com/fasterxml/jackson/databind/"));
    assertThat(names).noneMatch(n -> n.startsWith("org/apache/spark/") || n.startsWith("org/apache/hadoop/")
        || n.startsWith("org/apache/parquet/") || n.startsWith("scala/") || n.startsWith("com/fasterxml/")
        || n.startsWith("com/github/jelmerk/") || n.startsWith("org/eclipse/collections/") || n.startsWith("org/slf4j/"));
  }

  /**
   * Every page that tells how to add EmbeddingHub to a Spark of this line names this jar, where the
   * build writes it (the pages: the module's {@code bundle.documented.in}), and no page names an
   * unshaded jar for {@code --jars}.
   */
  @Test
  void theDocumentedJarIsTheOneTheBuildWrites() throws IOException {
    String jar = REPO.relativize(BUNDLE.toAbsolutePath().normalize()).toString().replace(File.separatorChar, '/');
    assertThat(jar).matches("spark-bundles?/.*target/embeddinghub-spark-\\d\\.\\d_2\\.1[23]-[^/]+\\.jar");
    List<String> documentedIn = List.of(System.getProperty("embeddinghub.test.bundle.documented.in").split(","));
    assertThat(documentedIn).isNotEmpty();
    SoftAssertions pages = new SoftAssertions();
    for (String page : documentedIn) {
      String text = Files.readString(REPO.resolve(page.trim()), StandardCharsets.UTF_8);
      pages.assertThat(text).as(page).contains("--jars " + jar)
          .doesNotContainPattern("embeddinghub-connector-[^\\s`]*\\.jar").doesNotContain("hnswlib-core-");
    }
    pages.assertAll();
  }

  @Test
  void anApplicationSubmittedWithOnlyTheJarWritesReadsSearchesAndDeletes(@TempDir Path dir) throws Exception {
    Path app = dir.resolve("app.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(app));
        InputStream cls = BundleSmokeApp.class.getResourceAsStream("BundleSmokeApp.class")) {
      out.putNextEntry(new JarEntry("io/embeddinghub/bundle/BundleSmokeApp.class"));
      cls.transferTo(out);
      out.closeEntry();
    }
    String root = dir.resolve("hub").toUri().toString();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(Arrays.asList(System.getProperty("embeddinghub.test.spark.jvm.flags").trim().split("\\s+")));
    command.addAll(List.of("-cp", sparkClasspath(), "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.sql.extensions=io.embeddinghub.spark.EmbeddingHubExtensions",
        "--conf", "spark.sql.catalog.hub=io.embeddinghub.spark.EmbeddingHubCatalog",
        "--conf", "spark.sql.catalog.hub.path=" + root,
        "--jars", BUNDLE.toString(),
        "--class", BundleSmokeApp.class.getName(),
        app.toString(), root, NEAREST_BY ? "nearest-by" : "no-nearest-by"));
    Path log = dir.resolve("submit.log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = p.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      p.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(finished).as("spark-submit finished; output:%n%s", output).isTrue();
    assertThat(p.exitValue()).as("exit code; output:%n%s", output).isZero();
    assertThat(output).contains("BUNDLE OK");
  }

  /**
   * examples/spark-shell/quickstart.scala runs, statement by statement, as {@code spark-shell -i}
   * (or {@code :load}) runs it: in the Scala 2.13 REPL that spark-shell is, with the session and
   * imports spark-shell defines before it loads a file, on the Spark jars and the bundle only, with
   * the configuration the script's header gives. Not through Spark's own launcher: the spark-repl
   * module (a few classes that start the REPL with those definitions) is not fetched by the build.
   * The script is Spark 4.2's (it joins APPROX NEAREST): the 4.2 bundle only.
   */
  @Test
  @EnabledIf("nearestBy")
  void theSparkShellQuickstartRunsWithOnlyTheJar(@TempDir Path dir) throws Exception {
    Path script = REPO.resolve("examples/spark-shell/quickstart.scala");
    assertThat(script).isRegularFile();
    Path init = dir.resolve("spark-shell-init.scala");
    // what org.apache.spark.repl.Main runs before the user's input
    Files.writeString(init, String.join("\n",
        "@transient val spark = org.apache.spark.sql.SparkSession.builder().getOrCreate()",
        "@transient val sc = spark.sparkContext",
        "import org.apache.spark.SparkContext._",
        "import spark.implicits._",
        "import spark.sql",
        "import org.apache.spark.sql.functions._",
        ""));
    Path input = Files.writeString(dir.resolve("input"), ":load " + init + "\n:load " + script + "\n:quit\n");
    String root = dir.resolve("hub").toUri().toString();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(Arrays.asList(System.getProperty("embeddinghub.test.spark.jvm.flags").trim().split("\\s+")));
    command.addAll(List.of(
        "-Dspark.master=local[2]",
        "-Dspark.ui.enabled=false",
        "-Dspark.driver.host=127.0.0.1",
        "-Dspark.sql.extensions=io.embeddinghub.spark.EmbeddingHubExtensions",
        "-Dspark.sql.catalog.hub=io.embeddinghub.spark.EmbeddingHubCatalog",
        "-Dspark.sql.catalog.hub.path=" + root,
        "-cp", sparkClasspath() + File.pathSeparator + BUNDLE,
        "scala.tools.nsc.MainGenericRunner", "-usejavacp"));
    Path out = dir.resolve("repl.out");
    Path err = dir.resolve("repl.err");
    Process p = new ProcessBuilder(command).redirectInput(input.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    boolean finished = p.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      p.destroyForcibly();
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    String all = output + "\n---- stderr ----\n" + Files.readString(err, StandardCharsets.UTF_8);
    assertThat(finished).as("the REPL finished; output:%n%s", all).isTrue();
    assertThat(p.exitValue()).as("exit code; output:%n%s", all).isZero();
    // the REPL reports a statement that does not compile or throws, and goes on with the next one
    assertThat(output).as(all).doesNotContain("error:", "Exception", "warning:");
    assertThat(output).as(all).contains(
        "|k0042|[42.0, 0.0, 1.0]|",                   // read back
        "|     1000|",                                // count(*)
        "|k0042|[0.5, 0.5, 0.5]|",                    // upsert
        "== Time travel: version 1 still has the old k0042",
        "|3      |1               |1000        |",     // build_index: version 3, 1 partition, 1000 rows
        "|1   |k0010|0.19999981|",                    // nearest_neighbors by vector
        "|1   |k0099|1.4142135|",                     // by stored key (left out of its answer)
        "|2  |k0500|",                                // APPROX NEAREST join
        "|      998|");                               // after DELETE
    assertThat(output.split("\\|k0042\\|\\[42\\.0, 0\\.0, 1\\.0\\]\\|", -1)).as("k0042 before the upsert: read, then two time travels")
        .hasSize(4);
  }

  /** This JVM's classpath without anything holding our classes and without what the jar shades. */
  private static String sparkClasspath() throws IOException {
    List<String> kept = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (name.startsWith("hnswlib") || name.startsWith("eclipse-collections") || holdsOurClasses(Path.of(entry))) {
        continue;
      }
      kept.add(entry);
    }
    return String.join(File.pathSeparator, kept);
  }

  private static boolean holdsOurClasses(Path entry) throws IOException {
    if (Files.isDirectory(entry)) {
      return Files.exists(entry.resolve("io/embeddinghub"));
    }
    if (!Files.isRegularFile(entry)) {
      return false;
    }
    try (JarFile jar = new JarFile(entry.toFile())) {
      return jar.getEntry("io/embeddinghub/") != null
          || jar.stream().anyMatch(e -> e.getName().startsWith("io/embeddinghub/"));
    }
  }
}

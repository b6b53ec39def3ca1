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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar works with {@code spark-submit --jars} on a plain Spark: an application is
 * launched through Spark's own submit entry point ({@code org.apache.spark.deploy.SparkSubmit},
 * from the Spark jars on this JVM's classpath, without our modules or the libraries the jar
 * shades) with only the jar added, and writes, reads, joins NEAREST BY and deletes
 * ({@link BundleSmokeApp}).
 */
class SparkSubmitIT {
  private static final Path BUNDLE = Path.of(System.getProperty("embeddinghub.test.bundle"));

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
        app.toString(), root));
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

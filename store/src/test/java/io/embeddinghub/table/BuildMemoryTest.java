package io.embeddinghub.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.IndexParams;
import io.embeddinghub.index.BuildMemory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link BuildMemory}'s estimate against real builds: a partition build ({@link
 * PartitionBuildDriver}) in a forked JVM whose {@code -Xmx} is the estimate must succeed, and one
 * whose heap is well under it must run out of memory (so the harness sees a too-small heap and the
 * estimate is not vacuously generous).
 */
@Tag("slow") // forks JVMs that build partitions at their estimated heap: about 2 minutes
class BuildMemoryTest {
  private static final int KEY_BYTES = 13; // the driver's "key-%09d"
  private static final int THREADS = 2;

  @ParameterizedTest
  @CsvSource({"60000, 128, 16, l2", "20000, 512, 16, cosine", "40000, 96, 32, l2"})
  void aBuildFitsItsEstimate(int rows, int dims, int m, String metric, @TempDir Path dir) throws Exception {
    IndexParams params = new IndexParams(m, 32, 64);
    long estimate = BuildMemory.peakBytes(rows, dims, params, KEY_BYTES, THREADS);
    String out = build(dir, estimate, rows, dims, metric, m);
    assertThat(out).as("build of %d x %d in -Xmx%d (%.2f x the vectors)", rows, dims, estimate,
        estimate / (4.0 * rows * dims)).contains("OK rows=" + rows);
  }

  @Test
  void aHeapWellUnderTheEstimateIsTooSmall(@TempDir Path dir) throws Exception {
    int rows = 60000;
    int dims = 128;
    IndexParams params = new IndexParams(16, 32, 64);
    long estimate = BuildMemory.peakBytes(rows, dims, params, KEY_BYTES, THREADS);
    long vectorsAndGraph = rows * (4L * dims + 4L * (2 * 16 + 1));
    long heap = (long) (0.9 * vectorsAndGraph) + (8L << 20);
    assertThat(heap).isLessThan(estimate);
    String out = build(dir, heap, rows, dims, "l2", 16);
    assertThat(out).as("build in -Xmx%d", heap).contains("OutOfMemoryError").doesNotContain("OK rows=");
  }

  /**
   * A split build's reduce receives its partition's rows one at a time: gathered by {@link
   * RoutedRows} they fit the same estimate; kept as a list of row objects beside the arrays made
   * of them (what the reduce did before), they do not.
   */
  @Test
  void routedRowsFromAStreamFitTheEstimateAndAHeldListDoesNot(@TempDir Path dir) throws Exception {
    int rows = 60000;
    int dims = 128;
    IndexParams params = new IndexParams(16, 32, 64);
    long estimate = BuildMemory.peakBytes(rows, dims, params, KEY_BYTES, THREADS);
    assertThat(build(dir.resolve("stream"), estimate, rows, dims, "l2", 16, "stream"))
        .as("streamed rows in -Xmx%d", estimate).contains("OK rows=" + rows);
    assertThat(build(dir.resolve("list"), estimate, rows, dims, "l2", 16, "list"))
        .as("a held list of rows in -Xmx%d", estimate).contains("OutOfMemoryError").doesNotContain("OK rows=");
  }

  @Test
  void maxRowsForInvertsPeakBytes() {
    IndexParams params = IndexParams.DEFAULT;
    for (long budget : new long[] {64L << 20, 1L << 30, 8L << 30}) {
      for (int dims : new int[] {16, 128, 784, 4096}) {
        long rows = BuildMemory.maxRowsFor(budget, dims, params);
        assertThat(rows).isPositive();
        assertThat(BuildMemory.peakBytes(rows, dims, params)).isLessThanOrEqualTo(budget);
        assertThat(BuildMemory.peakBytes(rows + 1, dims, params)).isGreaterThan(budget);
      }
    }
    assertThat(BuildMemory.maxRowsFor(1 << 20, 128, params)).isZero();
    // a default partition (256 MiB of 128-d vectors) needs well under 1 GiB
    long partitionRows = IndexParams.DEFAULT_PARTITION_BYTES / (4 * 128);
    assertThat(BuildMemory.peakBytes(partitionRows, 128, params, 32, 2)).isLessThan(600L << 20);
  }

  private static String build(Path dir, long heapBytes, int rows, int dims, String metric, int m) throws Exception {
    return build(dir, heapBytes, rows, dims, metric, m, "arrays");
  }

  private static String build(Path dir, long heapBytes, int rows, int dims, String metric, int m, String gather)
      throws Exception {
    Files.createDirectories(dir);
    Path out = dir.resolve("out.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heapBytes, "-XX:+UseG1GC",
        "--add-modules=jdk.incubator.vector", "-cp", io.embeddinghub.testing.TestClasspath.withoutObjectStores(),
        PartitionBuildDriver.class.getName(), dir.resolve("work").toString(), Integer.toString(rows),
        Integer.toString(dims), metric, Integer.toString(m), "32", Integer.toString(THREADS), gather));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("build did not finish");
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}

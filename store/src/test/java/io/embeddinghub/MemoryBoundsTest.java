package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.testing.MemoryBoundWorkload;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No operation holds a whole space: bulk load, optimize (compaction and index build), multiget
 * and kNN run in a JVM whose heap is under a third of the space's vectors ({@link MemoryBoundWorkload},
 * checked there against its own generator).
 */
@Tag("slow")
class MemoryBoundsTest {
  private static final String HEAP = "-Xmx64m";
  private static final int ROWS = 400_000;
  private static final int DIMS = 128; // 205 MB of vectors

  @Test
  void aSpaceThreeTimesTheHeapLoadsOptimizesAndAnswers(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(
            java, HEAP, "--add-modules=jdk.incubator.vector", "-cp", io.embeddinghub.testing.TestClasspath.withoutObjectStores(),
            MemoryBoundWorkload.class.getName(), dir.resolve("hub").toUri().toString(), Integer.toString(ROWS),
            Integer.toString(DIMS)))
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
    boolean finished = p.waitFor(10, TimeUnit.MINUTES);
    if (!finished) {
      p.destroyForcibly();
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    System.out.println(output.lines().filter(l -> l.startsWith("OK")).findFirst().orElse(""));
    assertThat(finished).as("workload finished; output:%n%s", output).isTrue();
    assertThat(p.exitValue()).as("exit code; output:%n%s", output).isZero();
    assertThat(output).contains("OK heap=");
  }
}

package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.testing.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dry-run vacuum touches no file, and lists exactly what the real vacuum then deletes. */
@Tag("slow") // many versions and files; the connector's SparkVacuumTest keeps a dry run in the fast tier
class VacuumDryRunTest {
  @TempDir Path dir;

  private Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        m.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    return m;
  }

  @Test
  void dryRunDeletesNothingAndListsWhatVacuumDeletes() throws Exception {
    Path root = dir.resolve("hub");
    TestClock clock = new TestClock();
    EmbeddingHub hub = EmbeddingHub.open(root.toString(), new Configuration(), clock);
    Space space = hub.createSpace(SpaceSpec.builder("s", 2).buckets(2).build());
    for (int i = 0; i < 6; i++) {
      space.set("k" + i, new float[] {i, -i});
    }
    space.delete("k1");
    space.optimize();
    long latest = space.version();
    clock.advance(Duration.ofMillis(20)); // every file is older than "now"

    Map<String, byte[]> before = files(root);
    VacuumOptions dry = VacuumOptions.withoutRetentionCheck().asDryRun();
    VacuumResult planned = hub.vacuum(Duration.ZERO, dry);

    assertThat(planned.files()).isNotEmpty().hasSize(planned.filesDeleted());
    Map<String, byte[]> afterDryRun = files(root);
    assertThat(afterDryRun.keySet()).isEqualTo(before.keySet());
    afterDryRun.forEach((k, v) -> assertThat(v).as(k).isEqualTo(before.get(k)));
    assertThat(space.snapshot(0).version()).isZero();          // no version expired
    assertThat(space.history()).hasSize((int) latest + 1);
    long bytes = 0;
    for (String f : planned.files()) {
      assertThat(before).containsKey(f);
      bytes += before.get(f).length;
    }
    assertThat(planned.bytesDeleted()).isEqualTo(bytes);

    VacuumResult done = hub.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    Set<String> vanished = new HashSet<>(before.keySet());
    vanished.removeAll(files(root).keySet());
    vanished.removeIf(f -> f.startsWith("s/_log/"));            // expired log entries, not vacuumed files
    assertThat(new HashSet<>(planned.files())).isEqualTo(vanished).isEqualTo(new HashSet<>(done.files()));
    assertThat(done.bytesDeleted()).isEqualTo(planned.bytesDeleted());
    assertThat(done.versionsExpired()).isEqualTo(planned.versionsExpired());
    assertThat(space.get("k5")).containsExactly(5, -5);
  }
}

package io.embeddinghub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.HubProperties;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliMaintenanceTest {
  @TempDir Path dir;

  private long fileCount(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void indexOptimizeAndVacuumDoWhatTheApiReports() throws Exception {
    String hub = dir.resolve("hub").toString();
    Space space = EmbeddingHub.open(hub).createSpace(SpaceSpec.builder("s", 4).buckets(2).build());
    Map<String, float[]> model = CliRoundTripTest.randomVectors(150, 4, 9);
    model.forEach(space::set);   // many small files, each its own version
    space.delete("k3");

    Cli.Result index = Cli.run("index", "--hub", hub, "s");
    assertThat(index.exit()).as(index.err()).isZero();
    Space reopened = EmbeddingHub.open(hub).getSpace("s");
    assertThat(reopened.unindexedRows()).isZero();
    assertThat(reopened.indexPartitions()).isNotEmpty();
    assertThat(index.out()).contains("rows indexed 149");

    Cli.Result optimize = Cli.run("optimize", "--hub", hub, "s");
    assertThat(optimize.exit()).as(optimize.err()).isZero();
    assertThat(optimize.out()).contains("version " + EmbeddingHub.open(hub).getSpace("s").version());
    Thread.sleep(20);

    long before = fileCount(dir.resolve("hub"));
    Cli.Result dry = Cli.run("vacuum", "--hub", hub, "--retention", "0s", "--no-retention-check", "--dry-run");
    assertThat(dry.exit()).as(dry.err()).isZero();
    long planned = dry.out().lines().filter(l -> l.startsWith("would delete ")).count();
    assertThat(planned).isPositive();
    assertThat(fileCount(dir.resolve("hub"))).isEqualTo(before);

    Cli.Result tooShort = Cli.run("vacuum", "--hub", hub, "--retention", "0s");
    assertThat(tooShort.exit()).isEqualTo(1);
    assertThat(tooShort.err()).contains(HubProperties.VACUUM_MIN_RETENTION);

    Cli.Result vacuum = Cli.run("vacuum", "--hub", hub, "--retention", "0s", "--no-retention-check");
    assertThat(vacuum.exit()).as(vacuum.err()).isZero();
    assertThat(vacuum.out()).contains("files deleted " + planned + ",");
    assertThat(Cli.run("vacuum", "--hub", hub, "--retention", "7 days").err()).contains("'7 days'");

    Space after = EmbeddingHub.open(hub).getSpace("s");
    assertThat(after.size()).isEqualTo(149);
    assertThat(after.get("k10")).containsExactly(model.get("k10"));
  }
}

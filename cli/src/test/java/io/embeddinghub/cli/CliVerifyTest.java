package io.embeddinghub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliVerifyTest {
  @TempDir Path dir;

  @Test
  void verifyExitsZeroWhenCleanAndFourListingEachDamagedFile() throws Exception {
    String hub = dir.resolve("hub").toString();
    Space space = EmbeddingHub.open(hub).createSpace(SpaceSpec.builder("s", 4).buckets(2).build());
    Map<String, float[]> model = CliRoundTripTest.randomVectors(200, 4, 3);
    space.multiset(model);
    space.buildIndex();
    space.set("extra", new float[] {1, 2, 3, 4});

    Cli.Result clean = Cli.run("verify", "--hub", hub, "s");
    assertThat(clean.exit()).as(clean.err()).isZero();
    assertThat(clean.out()).startsWith("ok: version " + space.version()).contains("rows checked 201", "damaged files 0");
    Cli.Result all = Cli.run("verify", "--hub", hub, "--all", "s");
    assertThat(all.exit()).as(all.err()).isZero();
    assertThat(all.out()).contains("ok: 4 versions (0..3)");

    String data = space.dataFiles().stream().filter(f -> f.rows() > 1).findFirst().orElseThrow().path();
    String index = space.indexPartitions().get(0).path();
    Path dataPath = dir.resolve("hub").resolve(data);
    Path indexPath = dir.resolve("hub").resolve(index);
    Files.write(dataPath, Arrays.copyOf(Files.readAllBytes(dataPath), 100));
    byte[] bytes = Files.readAllBytes(indexPath);
    bytes[bytes.length / 2] ^= 0x5A;
    Files.write(indexPath, bytes);

    Cli.Result damaged = Cli.run("verify", "--hub", hub, "s");
    assertThat(damaged.exit()).as(damaged.out() + damaged.err()).isEqualTo(EmbeddingHubCli.DAMAGE_FOUND).isEqualTo(4);
    assertThat(damaged.out().lines().filter(l -> l.startsWith("damaged "))).hasSize(2);
    assertThat(damaged.out()).contains("damaged " + data + " (data file, version 3): ", "length is 100 bytes")
        .contains("damaged " + index + " (index file, version 3): ", "checksum")
        .contains("DAMAGED: version 3", "damaged files 2");
    assertThat(Cli.run("verify", "--hub", hub, "--at-version", "1", "s").out()).contains("DAMAGED: version 1", "damaged files 1");
    assertThat(Cli.run("verify", "--hub", hub, "--all", "s").out()).contains("damaged " + data + " (data file, version 1)");
    assertThat(Cli.run("verify", "--hub", hub, "--at-version", "0", "s").exit()).isZero();

    Cli.Result missing = Cli.run("verify", "--hub", hub, "nope");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("'nope'");
    assertThat(Cli.run("verify", "--hub", hub, "--at-version", "9", "s").err()).contains("Version 9");
    assertThat(Cli.run("verify", "--hub", hub, "--all", "--at-version", "1", "s").exit()).isEqualTo(2);
    Cli.Result help = Cli.run("verify", "--help");
    assertThat(help.out()).as(help.exit() + help.err()).contains("Usage: embeddinghub verify", "--hub", "--all", "4", "damaged files found");
  }
}

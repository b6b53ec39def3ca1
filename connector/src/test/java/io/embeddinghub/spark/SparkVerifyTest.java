package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.VerifyResult;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code verify} as a Spark job (the driver checks the log, tasks check the files): the same result
 * as the embedded verify, clean and with damaged files, and through {@code CALL hub.system.verify}.
 */
class SparkVerifyTest {
  private static final int DIMS = 8;

  private final SparkSession spark = SharedSpark.session();

  private static Space fill(EmbeddingHub hub, String name) {
    Space space = hub.createSpace(SpaceSpec.builder(name, DIMS).buckets(2).build());
    space.multiset(SparkDistributedOpsTest.clustered(new Random(3), 200, DIMS));
    space.buildIndex();
    for (int w = 0; w < 6; w++) {
      space.multiset(SparkDistributedOpsTest.clustered(new Random(10 + w), 5, DIMS));
    }
    return space;
  }

  @Tag("slow") // damaged files checked by both runners; the fast tier keeps the procedure test
  @Test
  void aSparkVerifyFindsWhatTheEmbeddedVerifyFinds() throws Exception {
    String root = SharedSpark.newHubRoot();
    Space space = fill(EmbeddingHub.open(root), "s");
    EmbeddingHubSpark sparkHub = EmbeddingHubSpark.open(spark, root);

    VerifyResult clean = sparkHub.verify("s");
    assertThat(clean.ok()).as(clean.toString()).isTrue();
    assertThat(clean).isEqualTo(EmbeddingHub.open(root).verify("s"));
    assertThat(clean.rowsChecked()).isEqualTo(space.dataFiles().stream().mapToLong(f -> f.rows()).sum());
    assertThat(sparkHub.verifyAll("s")).isEqualTo(EmbeddingHub.open(root).verifyAll("s"));

    Path hubDir = Path.of(URI.create(root));
    String data = space.dataFiles().get(space.dataFiles().size() - 1).path();
    String index = space.indexPartitions().get(0).path();
    byte[] bytes = Files.readAllBytes(hubDir.resolve(data));
    Files.write(hubDir.resolve(data), Arrays.copyOf(bytes, bytes.length - 1));
    bytes = Files.readAllBytes(hubDir.resolve(index));
    bytes[bytes.length - 12] ^= 0x01; // in the checksum
    Files.write(hubDir.resolve(index), bytes);

    VerifyResult damaged = sparkHub.verify("s");
    assertThat(damaged).isEqualTo(EmbeddingHub.open(root).verify("s"));
    assertThat(damaged.problems()).extracting(VerifyResult.Problem::path).containsExactlyInAnyOrder(data, index);
    assertThat(damaged.problems()).extracting(VerifyResult.Problem::kind)
        .containsExactlyInAnyOrder(VerifyResult.FileKind.DATA_FILE, VerifyResult.FileKind.INDEX_FILE);
    VerifyResult first = sparkHub.verify("s", 1);
    assertThat(first.ok()).as("version 1 has neither file: " + first).isTrue();
  }

  @Test
  void theVerifyProcedureReportsEachDamagedFile() throws Exception {
    EmbeddingHub hub = EmbeddingHub.open(SharedSpark.catalogRoot());
    Space space = fill(hub, "verify_me");
    Row clean = spark.sql("CALL hub.system.verify('verify_me')").collectAsList().get(0);
    assertThat(clean.getBoolean(0)).isTrue();
    assertThat(clean.getInt(1)).isEqualTo(1);
    assertThat(clean.getLong(3)).isEqualTo(space.dataFiles().stream().mapToLong(f -> f.rows()).sum());
    assertThat(clean.getList(4)).isEmpty();
    Row all = spark.sql("CALL hub.system.verify(space => 'verify_me', all_versions => true)").collectAsList().get(0);
    assertThat(all.getInt(1)).isEqualTo((int) space.version() + 1);

    String data = space.dataFiles().get(0).path();
    Path file = Path.of(URI.create(SharedSpark.catalogRoot())).resolve(data);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    Row damaged = spark.sql("CALL hub.system.verify('verify_me')").collectAsList().get(0);
    assertThat(damaged.getBoolean(0)).isFalse();
    List<String> problems = damaged.getList(4);
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0)).startsWith("DATA_FILE " + data + " (version " + space.version() + "): ")
        .contains("length is " + bytes.length / 2 + " bytes");
    assertThatThrownBy(() -> spark.sql("CALL hub.system.verify('no_such_space')").collectAsList())
        .hasStackTraceContaining("no_such_space");
  }
}

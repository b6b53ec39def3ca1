package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.VacuumOptions;
import io.embeddinghub.VacuumResult;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * {@code vacuum} as a Spark job (the driver plans, tasks delete): it deletes exactly what the
 * embedded dry run lists, keeps every row of the latest version readable, and the SQL procedure
 * refuses a retention below the minimum and reports a dry run without deleting anything.
 */
class SparkVacuumTest {
  private static final int DIMS = 8;

  private final SparkSession spark = SharedSpark.session();

  @Test
  void aSparkVacuumDeletesWhatTheDryRunListsAndKeepsTheLatestVersion() throws IOException {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("s", DIMS).buckets(2).build());
    Map<String, float[]> model = new HashMap<>();
    for (int w = 0; w < 4; w++) {
      Map<String, float[]> batch = SparkDistributedOpsTest.clustered(new Random(w), 60, DIMS);
      space.multiset(batch);
      model.putAll(batch);
    }
    space.optimize(); // the four writes' files are now unreferenced by the latest version
    Set<String> before = filesUnder(root, "s");
    VacuumOptions now = VacuumOptions.withoutRetentionCheck();

    VacuumResult dryRun = EmbeddingHubSpark.open(spark, root).vacuum("s", Duration.ZERO, now.asDryRun());
    assertThat(filesUnder(root, "s")).as("a dry run deletes nothing").isEqualTo(before);
    VacuumResult embeddedDryRun = EmbeddingHub.open(root).getSpace("s").vacuum(Duration.ZERO, now.asDryRun());
    assertThat(new TreeSet<>(dryRun.files())).isEqualTo(new TreeSet<>(embeddedDryRun.files())).isNotEmpty();

    VacuumResult done = EmbeddingHubSpark.open(spark, root).vacuum("s", Duration.ZERO, now);
    assertThat(new TreeSet<>(done.files())).isEqualTo(new TreeSet<>(dryRun.files()));
    assertThat(done.versionsExpired()).isEqualTo(dryRun.versionsExpired()).isPositive();
    Set<String> after = filesUnder(root, "s");
    Set<String> expected = new TreeSet<>(before);
    done.files().stream().map(f -> f.substring("s/".length())).forEach(expected::remove);
    assertThat(after).isEqualTo(expected);

    Map<String, float[]> read = new HashMap<>();
    for (Row r : spark.read().format("embeddinghub").option("path", root).option("space", "s").load().collectAsList()) {
      read.put(r.getString(0), SparkVectors.toFloats(r.getList(1)));
    }
    SparkDataFrameTest.assertSameContents(read, model);
    assertThat(EmbeddingHubSpark.open(spark, root).vacuum("s", Duration.ZERO, now).filesDeleted())
        .as("nothing left to delete").isZero();
  }

  @Test
  void theVacuumProcedureRefusesAShortRetentionAndReportsADryRun() {
    EmbeddingHub hub = EmbeddingHub.open(SharedSpark.catalogRoot());
    Space space = hub.createSpace(SpaceSpec.builder("vacuum_me", DIMS).buckets(2).build());
    space.multiset(SparkDistributedOpsTest.clustered(new Random(1), 30, DIMS));
    space.multiset(SparkDistributedOpsTest.clustered(new Random(1), 30, DIMS)); // overwrites every row
    space.optimize();
    long version = space.version();

    assertThatThrownBy(() -> spark.sql("CALL hub.system.vacuum('vacuum_me', 0.01)").collectAsList())
        .hasStackTraceContaining("retention");
    assertThatThrownBy(() -> spark.sql("CALL hub.system.vacuum('vacuum_me', -1.0)").collectAsList())
        .hasStackTraceContaining("retention_hours must be a finite number >= 0, got -1.0");
    Row dry = spark.sql("CALL hub.system.vacuum(space => 'vacuum_me', retention_hours => 1.0, dry_run => true)")
        .collectAsList().get(0);
    assertThat(dry.getInt(0)).as("every file is younger than an hour").isZero();
    assertThat(dry.getBoolean(3)).isTrue();
    Row byDefault = spark.sql("CALL hub.system.vacuum('vacuum_me')").collectAsList().get(0);
    assertThat(byDefault.getInt(0)).isZero();
    assertThat(byDefault.getInt(2)).as("versions within a week are kept").isZero();
    assertThat(byDefault.getBoolean(3)).isFalse();
    assertThat(space.version()).isEqualTo(version);
    assertThat(space.size()).isEqualTo(30);
  }

  /** The space's data and index files (not its log), relative to its directory. */
  private static Set<String> filesUnder(String root, String space) throws IOException {
    Path dir = Path.of(URI.create(root)).resolve(space);
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
          .map(f -> dir.relativize(f).toString()).filter(f -> !f.startsWith("_log/")) // expiry rewrites the log
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}

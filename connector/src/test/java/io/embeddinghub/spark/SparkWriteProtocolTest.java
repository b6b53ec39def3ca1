package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.VacuumOptions;
import io.embeddinghub.VersionInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The write protocol under failures: a job that fails leaves no version and no visible row, and
 * what it could not clean up is removed by vacuum; a commit with an unknown outcome keeps its
 * files (the version may have landed); files made for other space settings are never committed.
 */
@Tag("slow") // the write protocol under injected faults
class SparkWriteProtocolTest {
  private final SparkSession spark = SharedSpark.session();

  SparkWriteProtocolTest() {
    FaultyFileSystem.configure(spark.sparkContext().hadoopConfiguration());
  }

  @AfterEach
  void noFaults() {
    FaultyFileSystem.reset();
  }

  private static long filesUnder(String fileUri) throws IOException {
    Path dir = Path.of(URI.create(fileUri));
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private static List<Row> rows(String prefix, int n, int dims) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Float> v = new ArrayList<>();
      for (int d = 0; d < dims; d++) {
        v.add((float) (i + d));
      }
      rows.add(RowFactory.create(prefix + i, v));
    }
    return rows;
  }

  @Test
  void aCommitWithAnUnknownOutcomeKeepsTheFilesOfTheVersionThatLanded() {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("u", 2).buckets(2).build());
    space.set("old", new float[] {1, 1});
    Map<String, float[]> rows = SparkDataFrameTest.randomRows(new Random(21), "n", 200, 2);

    FaultyFileSystem.failNextCommitAfterLanding = true;
    assertThatThrownBy(() -> SparkDataFrameTest.frame(spark, rows).write().format("embeddinghub")
            .option("path", FaultyFileSystem.faulty(root)).option("space", "u").mode("append").save())
        .hasStackTraceContaining("unknown outcome");
    assertThat(FaultyFileSystem.failNextCommitAfterLanding).as("the fault fired").isFalse();

    // the version landed: its files must still be there (Spark's abort after a failed commit must not delete them)
    Space after = EmbeddingHub.open(root).getSpace("u");
    assertThat(after.version()).isEqualTo(2);
    Map<String, float[]> expected = new HashMap<>(rows);
    expected.put("old", new float[] {1, 1});
    Map<String, float[]> embedded = new HashMap<>();
    after.entries().forEachRemaining(e -> embedded.put(e.getKey(), e.getValue()));
    SparkDataFrameTest.assertSameContents(embedded, expected);
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(
        spark.read().format("embeddinghub").option("path", root).option("space", "u").load()), expected);
  }

  @Test
  void aFailedJobThatCannotCleanUpLeavesOnlyInvisibleFilesThatVacuumRemoves() throws IOException {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("f", 2).buckets(2).build());
    space.set("keep", new float[] {1, 1});
    long version = space.version();
    List<Row> input = rows("r", 2000, 2);
    input.set(1500, RowFactory.create("r1500", List.of(1f, 2f, 3f))); // met by a write task after it flushed files
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    hadoop.setLong("embeddinghub.write.buffer-bytes", 2048);
    FaultyFileSystem.failDataDeletes = true; // neither the task nor the job abort can delete (a lost executor)
    try {
      assertThatThrownBy(() -> spark.createDataFrame(input, SparkDataFrameTest.FLOAT_SCHEMA).repartition(1)
              .write().format("embeddinghub").option("path", FaultyFileSystem.faulty(root)).option("space", "f")
              .mode("append").save())
          .hasStackTraceContaining("'r1500' has 3 dimensions");
    } finally {
      FaultyFileSystem.failDataDeletes = false;
      hadoop.unset("embeddinghub.write.buffer-bytes");
    }
    Space after = EmbeddingHub.open(root).getSpace("f");
    assertThat(after.version()).isEqualTo(version);
    assertThat(after.size()).isEqualTo(1);
    assertThat(spark.read().format("embeddinghub").option("path", root).option("space", "f").load().count()).isEqualTo(1);
    assertThat(filesUnder(root + "f/data")).as("orphans left by the failed job").isGreaterThan(1);

    after.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(filesUnder(root + "f/data")).isEqualTo(1);
    assertThat(filesUnder(root + "f/index")).isZero();
    assertThat(EmbeddingHub.open(root).getSpace("f").get("keep")).containsExactly(1, 1);
  }

  @Test
  void anExecutorThatCannotCreateADataFileFailsTheJobAtThePreviousVersionAndARetrySucceeds() throws IOException {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("e", 3).buckets(4).build());
    Map<String, float[]> before = SparkDataFrameTest.randomRows(new Random(5), "k", 50, 3);
    space.multiset(before);
    long version = space.version();
    Map<String, float[]> rows = SparkDataFrameTest.randomRows(new Random(6), "n", 600, 3);
    rows.putAll(SparkDataFrameTest.randomRows(new Random(7), "k", 20, 3)); // overwrites too
    String faulty = FaultyFileSystem.faulty(root);

    FaultyFileSystem.failDataFileCreate(2); // one write task has made its first file, another task fails
    assertThatThrownBy(() -> SparkDataFrameTest.frame(spark, rows).write().format("embeddinghub")
            .option("path", faulty).option("space", "e").mode("append").save())
        .hasStackTraceContaining("injected fault: cannot create data file");
    assertThat(FaultyFileSystem.failDataFileCreate).as("the fault fired").isZero();

    Space failed = EmbeddingHub.open(root).getSpace("e");
    assertThat(failed.version()).as("no version from the failed job").isEqualTo(version);
    Map<String, float[]> embedded = new HashMap<>();
    failed.entries().forEachRemaining(e -> embedded.put(e.getKey(), e.getValue()));
    SparkDataFrameTest.assertSameContents(embedded, before);

    // the same write again, no fault: one new version with every row
    SparkDataFrameTest.frame(spark, rows).write().format("embeddinghub")
        .option("path", faulty).option("space", "e").mode("append").save();
    Map<String, float[]> expected = new HashMap<>(before);
    expected.putAll(rows);
    Space retried = EmbeddingHub.open(root).getSpace("e");
    assertThat(retried.version()).isEqualTo(version + 1);
    SparkDataFrameTest.assertSameContents(SparkDataFrameTest.collect(
        spark.read().format("embeddinghub").option("path", root).option("space", "e").load()), expected);

    // whatever the failed tasks left is invisible and vacuumed; the data stays
    retried.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(filesUnder(root + "e/data")).isEqualTo(retried.dataFiles().size());
    Map<String, float[]> afterVacuum = new HashMap<>();
    EmbeddingHub.open(root).getSpace("e").entries().forEachRemaining(e -> afterVacuum.put(e.getKey(), e.getValue()));
    SparkDataFrameTest.assertSameContents(afterVacuum, expected);
  }

  /** Throws once it has seen {@code limit} rows in a task (a bug in the user's code, say). */
  private static final class FailAfter implements UDF1<String, String> {
    private static final AtomicInteger SEEN = new AtomicInteger();
    private final int limit;

    FailAfter(int limit) {
      this.limit = limit;
    }

    @Override
    public String call(String key) {
      if (SEEN.incrementAndGet() > limit) {
        throw new IllegalStateException("user code failed after " + limit + " rows");
      }
      return key;
    }
  }

  @Test
  void aUdfThatThrowsMidTaskFailsTheJobWithoutAVersionOrFiles() throws IOException {
    String root = SharedSpark.newHubRoot();
    Space space = EmbeddingHub.open(root).createSpace(SpaceSpec.builder("x", 2).buckets(2).build());
    space.set("keep", new float[] {1, 1});
    FailAfter.SEEN.set(0);
    UserDefinedFunction failing = functions.udf(new FailAfter(700), DataTypes.StringType).asNondeterministic();
    // the UDF runs before the shuffle that clusters rows by key, so the write tasks never start
    assertThatThrownBy(() -> spark.createDataFrame(rows("r", 1000, 2), SparkDataFrameTest.FLOAT_SCHEMA).repartition(1)
            .withColumn("key", failing.apply(functions.col("key")))
            .write().format("embeddinghub").option("path", root).option("space", "x").mode("append").save())
        .hasStackTraceContaining("user code failed after 700 rows");
    Space after = EmbeddingHub.open(root).getSpace("x");
    assertThat(after.version()).isEqualTo(1);
    assertThat(spark.read().format("embeddinghub").option("path", root).option("space", "x").load().count()).isEqualTo(1);
    assertThat(filesUnder(root + "x/data")).isEqualTo(1);
  }

  @Test
  void filesWrittenForOtherSpaceSettingsAreNeverCommitted() throws IOException {
    String root = SharedSpark.newHubRoot();
    HubRef hub = new HubRef(root, new Configuration());
    // a write that creates space 'c' with 4 buckets, dimensions inferred from the rows ...
    SparkOptions options = SparkOptions.parse(Map.of("path", root, "space", "c", "buckets", "4"));
    WriteTarget target = WriteTarget.of(hub, options.specFor(1), false, false, 0, 1, false, io.embeddinghub.engine.AfterWrite.Indexing.DEFERRED);
    SparkDataWriter writer = new SparkDataWriter(target);
    for (String key : inTaskOrder("k", 50, 4)) {
      float i = Integer.parseInt(key.substring(1));
      writer.write(new GenericInternalRow(new Object[] {
          UTF8String.fromString(key), UnsafeArrayData.fromPrimitiveArray(new float[] {i, 1, 2})}));
    }
    WriterCommitMessage message = writer.commit();
    assertThat(filesUnder(root + "c/data")).isPositive();
    // ... while someone else creates it with 2 buckets
    EmbeddingHub.open(root).createSpace(SpaceSpec.builder("c", 3).buckets(2).build());
    SparkBatchWrite batch = new SparkBatchWrite(target, false);
    assertThatThrownBy(() -> batch.commit(new WriterCommitMessage[] {message}))
        .isInstanceOf(io.embeddinghub.CommitConflictException.class)
        .hasMessageContaining("2 buckets")
        .hasMessageContaining("4 buckets");
    batch.abort(new WriterCommitMessage[] {message});
    assertThat(EmbeddingHub.open(root).getSpace("c").version()).isZero();
    assertThat(filesUnder(root + "c/data")).isZero();
  }

  /** Keys {@code prefix0..} in the (bucket, key) order Spark delivers them to a write task. */
  private static List<String> inTaskOrder(String prefix, int n, int buckets) {
    List<String> keys = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(prefix + i);
    }
    keys.sort(java.util.Comparator.comparingInt((String k) -> io.embeddinghub.engine.EngineKeys.bucketOf(k, buckets))
        .thenComparing(io.embeddinghub.engine.EngineKeys::compare));
    return keys;
  }

  /** A write task's commit message for {@code n} rows {@code prefix0..} of {@code dims} dimensions. */
  private static WriterCommitMessage writeTask(WriteTarget target, String prefix, int n, int dims) {
    SparkDataWriter writer = new SparkDataWriter(target);
    for (String key : inTaskOrder(prefix, n, target.buckets())) {
      float[] v = new float[dims];
      v[0] = 1;
      v[dims - 1] += Integer.parseInt(key.substring(prefix.length()));
      writer.write(new GenericInternalRow(new Object[] {
          UTF8String.fromString(key), UnsafeArrayData.fromPrimitiveArray(v)}));
    }
    return writer.commit();
  }

  @Test
  void writersThatCreateTheSameSpaceAtOnceBothLandAndTheLoserOpensIt() {
    String root = SharedSpark.newHubRoot();
    HubRef hub = new HubRef(FaultyFileSystem.faulty(root), spark.sparkContext().hadoopConfiguration());
    SparkOptions options = SparkOptions.parse(
        Map.of("path", root, "space", "r", "dimensions", "3", "buckets", "2", "metric", "cosine"));
    SpaceSpec spec = options.specFor(3);
    WriteTarget target = WriteTarget.of(hub, spec, true, false, 0, 1, false, io.embeddinghub.engine.AfterWrite.Indexing.DEFERRED);

    // both planned before the space exists; the first commit creates it, the second opens it
    WriterCommitMessage a = writeTask(target, "a", 20, 3);
    WriterCommitMessage b = writeTask(target, "b", 30, 3);
    new SparkBatchWrite(target, false).commit(new WriterCommitMessage[] {a});
    new SparkBatchWrite(target, false).commit(new WriterCommitMessage[] {b});
    Space space = EmbeddingHub.open(root).getSpace("r");
    assertThat(space.spec()).isEqualTo(spec);
    assertThat(space.version()).isEqualTo(2);
    assertThat(space.size()).isEqualTo(50);

    // the other writer creates it between this one's check and its create: this one opens it
    WriteTarget target2 = WriteTarget.of(hub, spec.toBuilder("r2").build(), true, false, 0, 1, false, io.embeddinghub.engine.AfterWrite.Indexing.DEFERRED);
    WriterCommitMessage c = writeTask(target2, "c", 10, 3);
    FaultyFileSystem.beforeNextCommit = () -> EmbeddingHub.open(root).createSpace(spec.toBuilder("r2").build());
    new SparkBatchWrite(target2, false).commit(new WriterCommitMessage[] {c});
    assertThat(FaultyFileSystem.beforeNextCommit).as("the other writer ran").isNull();
    Space r2 = EmbeddingHub.open(root).getSpace("r2");
    assertThat(r2.history()).extracting(VersionInfo::operation).containsExactly("create", "spark-append");
    assertThat(r2.size()).isEqualTo(10);
  }

  @Test
  void aSpaceCreatedWithOtherDimensionsWhileTheWriteRanIsRefusedNamingBoth() throws IOException {
    String root = SharedSpark.newHubRoot();
    HubRef hub = new HubRef(root, new Configuration());
    SparkOptions options = SparkOptions.parse(Map.of("path", root, "space", "d", "dimensions", "3"));
    WriteTarget target = WriteTarget.of(hub, options.specFor(3), true, false, 0, 1, false, io.embeddinghub.engine.AfterWrite.Indexing.DEFERRED);
    WriterCommitMessage message = writeTask(target, "k", 10, 3);
    EmbeddingHub.open(root).createSpace("d", 4);
    SparkBatchWrite batch = new SparkBatchWrite(target, false);
    assertThatThrownBy(() -> batch.commit(new WriterCommitMessage[] {message}))
        .isInstanceOf(io.embeddinghub.InvalidInputException.class)
        .hasMessageContaining("'d' has 4 dimensions")
        .hasMessageContaining("this write has 3");
    batch.abort(new WriterCommitMessage[] {message});
    assertThat(EmbeddingHub.open(root).getSpace("d").version()).isZero();
    assertThat(filesUnder(root + "d/data")).isZero();
    // an empty write (an overwrite would empty the space) is refused as well
    SparkBatchWrite empty = new SparkBatchWrite(target, true);
    assertThatThrownBy(() -> empty.commit(new WriterCommitMessage[0])).hasMessageContaining("'d' has 4 dimensions");
    assertThat(EmbeddingHub.open(root).getSpace("d").version()).isZero();
  }

  @Test
  void aWriteCutsEachBucketIntoFewNonOverlappingRangesNotOneFilePerShufflePartition() throws IOException {
    String root = SharedSpark.newHubRoot();
    EmbeddingHub.open(root).createSpace(SpaceSpec.builder("b", 2).buckets(4).build());
    // Without coalescing, a write clustered by key alone would spread each bucket's keys over
    // many shuffle partitions, and each of those tasks would write a file for it; the range
    // partitioning by (bucket, key) gives each task a contiguous range: at most
    // partitions + buckets - 1 files a write.
    String coalesce = "spark.sql.adaptive.coalescePartitions.enabled";
    spark.conf().set(coalesce, "false");
    int partitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
    try {
      spark.createDataFrame(rows("r", 600, 2), SparkDataFrameTest.FLOAT_SCHEMA).repartition(6)
          .write().format("embeddinghub").option("path", root).option("space", "b").mode("append").save();
      spark.createDataFrame(rows("s", 300, 2), SparkDataFrameTest.FLOAT_SCHEMA).repartition(5)
          .write().format("embeddinghub").option("path", root).option("space", "b").mode("append").save();
    } finally {
      spark.conf().unset(coalesce);
    }
    long files = 0;
    for (int bucket = 0; bucket < 4; bucket++) {
      files += filesUnder(root + String.format("b/data/bucket=%04d", bucket));
    }
    assertThat(files).as("files of two writes").isBetween(2L * 4, 2L * (partitions + 4 - 1));
    assertThat(EmbeddingHub.open(root).getSpace("b").size()).isEqualTo(900);
  }
}

package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.engine.EngineHub;
import io.embeddinghub.engine.JobRunner;
import io.embeddinghub.engine.OptimizeJob;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.testing.BruteForceKnn;
import io.embeddinghub.testing.FaultyFileIO;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An optimize whose inputs other writers change while it rewrites them commits on its first
 * attempt, and the space afterwards answers as a HashMap model of every acknowledged write: keys
 * overwritten or deleted meanwhile keep their newer state, the rewritten copies of their older
 * rows are deleted in the optimize's own version, and neither Key-Value reads nor the index built
 * over the rewritten files ever return them. Only an input removed meanwhile still makes the
 * optimize start over. A commit attempt that lost the race to another writer plans again without
 * reading any data file again: under steady writers on an object store, re-reading made every
 * attempt lose.
 */
class OptimizeUnderWritesTest {
  private static final int DIMS = 8;

  @TempDir Path dir;

  @Test
  void writesThatLandDuringTheRewriteAreKeptAndTheOptimizeCommitsOnce() {
    Random random = new Random(7);
    String uri = dir.resolve("hub").toUri().toString();
    EmbeddingHub writers = EmbeddingHub.open(uri, new Configuration());
    Space space = writers.createSpace(SpaceSpec.builder("s", DIMS).buckets(2).build());
    Map<String, float[]> model = new HashMap<>();
    for (int batch = 0; batch < 4; batch++) { // overlapping batches: files with deleted rows, several per bucket
      Map<String, float[]> rows = Oracles.batch(random, DIMS, "k", batch * 150, 300);
      space.multiset(rows);
      model.putAll(rows);
    }
    List<String> keys = new ArrayList<>(new TreeSet<>(model.keySet()));

    WritesDuringRewrite runner = new WritesDuringRewrite(EngineHub.open(URI.create(uri), new Configuration()), () -> {
      Map<String, float[]> overwrites = new HashMap<>();
      for (int i = 0; i < 40; i++) {
        overwrites.put(keys.get(random.nextInt(keys.size())), Oracles.vector(random, DIMS));
      }
      space.multiset(overwrites);
      model.putAll(overwrites);
      for (int i = 0; i < 25; i++) {
        String victim = keys.get(random.nextInt(keys.size()));
        space.delete(victim);
        model.remove(victim);
      }
      Map<String, float[]> fresh = Oracles.batch(random, DIMS, "new", 0, 30);
      space.multiset(fresh);
      model.putAll(fresh);
    });
    long before = space.version();
    OptimizeResult result = OptimizeJob.run(runner, "s");

    assertThat(runner.rewrites).as("rewrite rounds: a conflict would have started the optimize over").isEqualTo(1);
    assertThat(result.filesRemoved()).as("files rewritten").isGreaterThan(2);
    assertThat(result.partitionsBuilt()).as("the optimize indexed its files").isPositive();
    assertThat(result.version()).as("the optimize commits after the writes made during it").isGreaterThan(before + 3);
    Space check = EmbeddingHub.open(uri, new Configuration()).getSpace("s");
    Oracles.assertContents(check, model, "after an optimize raced by writes");
    Oracles.assertNearest(check, model, random, "after an optimize raced by writes");
    for (int q = 0; q < 5; q++) {
      float[] query = Oracles.vector(random, DIMS);
      List<Neighbor> approximate = check.nearestNeighbors(10, query, SearchOptions.withEf(2_000));
      assertThat(Oracles.keysOf(approximate)).as("the index over the rewritten files, searched to the end")
          .containsExactlyElementsOf(BruteForceKnn.nearestKeys(check.metric(), model, query, 10, null));
    }
    Oracles.assertContents(EmbeddingHub.open(uri, new Configuration()).getSpace("s").snapshot(), model, "its snapshot");
  }

  @Test
  void anInputRemovedDuringTheRewriteMakesTheOptimizeStartOver() {
    Random random = new Random(11);
    String uri = dir.resolve("hub").toUri().toString();
    EmbeddingHub writers = EmbeddingHub.open(uri, new Configuration());
    Space space = writers.createSpace(SpaceSpec.builder("s", DIMS).buckets(2).build());
    for (int batch = 0; batch < 3; batch++) {
      space.multiset(Oracles.batch(random, DIMS, "k", batch * 100, 200));
    }
    Map<String, float[]> model = new HashMap<>();
    WritesDuringRewrite runner = new WritesDuringRewrite(EngineHub.open(URI.create(uri), new Configuration()), () -> {
      space.deleteAll();
      for (int batch = 0; batch < 3; batch++) { // several files per bucket again: the second attempt rewrites them
        Map<String, float[]> rows = Oracles.batch(random, DIMS, "after", batch * 10, 20);
        space.multiset(rows);
        model.putAll(rows);
      }
    });

    OptimizeResult result = OptimizeJob.run(runner, "s");

    assertThat(runner.rewrites).as("the first attempt conflicted and the optimize started over").isEqualTo(2);
    assertThat(result.rowsRewritten()).as("the second attempt rewrote the files written after deleteAll").isEqualTo(model.size());
    Oracles.assertContents(EmbeddingHub.open(uri, new Configuration()).getSpace("s"), model, "after the restarted optimize");
  }

  @Test
  void aBuildTakingInSmallBuildsThatAnOptimizeReplacedMeanwhileStartsOver() {
    Random random = new Random(13);
    String uri = dir.resolve("hub").toUri().toString();
    EmbeddingHub writers = EmbeddingHub.open(uri, new Configuration());
    Space space = writers.createSpace(SpaceSpec.builder("s", DIMS).buckets(2).build());
    Map<String, float[]> model = new HashMap<>();
    for (int batch = 0; batch < 5; batch++) { // four single-partition builds, then a tail
      Map<String, float[]> rows = Oracles.batch(random, DIMS, "b" + batch + "-", 0, 200);
      space.multiset(rows);
      model.putAll(rows);
      if (batch < 4) {
        space.buildIndex();
      }
    }
    WritesDuringRewrite runner = new WritesDuringRewrite(
        EngineHub.open(URI.create(uri), new Configuration()), space::optimize, "Integer"); // a one-partition build maps over [0]

    io.embeddinghub.engine.IndexBuildJob.run(runner, "s"); // the small builds it takes in are replaced meanwhile

    assertThat(runner.rewrites).as("build rounds").isGreaterThanOrEqualTo(1);
    Space check = EmbeddingHub.open(uri, new Configuration()).getSpace("s");
    Oracles.assertContents(check, model, "after a build raced by an optimize");
    Oracles.assertNearest(check, model, random, "after a build raced by an optimize");
  }

  @Test
  void attemptsAfterALostRaceReadNoDataFileAgain() throws Exception {
    assertThat(dataFilesOpenedByOptimize(0)).as("data files an optimize opens when its commit loses 3 races")
        .isEqualTo(dataFilesOpenedByOptimize(3)); // the carried deletes of the first attempt are remembered
  }

  /**
   * A commit that loses every attempt it is allowed fails the optimize at once: the job is not run
   * again, which would rewrite every group anew only to meet the same writers (found by the S3
   * soak, docs/RELIABILITY.md). The writers' rows stay as they were and the rewrite leaves no file.
   */
  @Test
  void anOptimizeWhoseCommitLosesEveryAttemptIsNotRewrittenAgain() throws Exception {
    String uri = dir.resolve("hub-lost").toUri().toString();
    Map<String, float[]> model = new HashMap<>();
    Space space = fourOverlappingBatches(uri, new Random(29), model);
    Set<String> filesBefore = filesUnder(dir.resolve("hub-lost"));
    FaultyFileIO io = new FaultyFileIO(new HadoopFileIO(URI.create(uri), new Configuration()));
    Configuration twoAttempts = new Configuration();
    twoAttempts.setInt(HubProperties.COMMIT_MAX_ATTEMPTS, 2);
    EmbeddingHub optimizer = EmbeddingHub.open(io, twoAttempts);
    WritesDuringRewrite runner = new WritesDuringRewrite(optimizer.runner(), () -> io.loseNextRaces(2));
    long versionBefore = space.version();
    assertThatThrownBy(() -> OptimizeJob.run(runner, "s"))
        .isInstanceOf(CommitConflictException.class)
        .satisfies(e -> assertThat(((CommitConflictException) e).lostEveryAttempt()).isTrue())
        .hasMessageContaining("gave up after 2 attempts").hasMessageContaining(HubProperties.COMMIT_MAX_ATTEMPTS);
    assertThat(runner.rewrites).as("rounds of rewrite tasks").isEqualTo(1);
    assertThat(io.commitAttempts()).as("commit attempts").isEqualTo(2);
    Space check = EmbeddingHub.open(uri, new Configuration()).getSpace("s");
    assertThat(check.version()).isEqualTo(versionBefore);
    Oracles.assertContents(check, model, "after an optimize that lost every attempt");
    assertThat(filesUnder(dir.resolve("hub-lost"))).as("files left by the failed optimize")
        .isEqualTo(filesBefore);
  }

  private static Set<String> filesUnder(java.nio.file.Path root) throws java.io.IOException {
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(root)) {
      return files.filter(java.nio.file.Files::isRegularFile).map(f -> root.relativize(f).toString())
          .filter(f -> !f.endsWith(".crc")).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }
  }

  /**
   * A new hub at {@code uri} with space "s" of 2 buckets written in 4 overlapping batches of 300
   * rows (so that an optimize has files to merge and replaced rows to drop); the rows go into
   * {@code model}.
   */
  private static Space fourOverlappingBatches(String uri, Random random, Map<String, float[]> model) {
    EmbeddingHub writers = EmbeddingHub.open(uri, new Configuration());
    Space space = writers.createSpace(SpaceSpec.builder("s", DIMS).buckets(2).build());
    for (int batch = 0; batch < 4; batch++) {
      Map<String, float[]> rows = Oracles.batch(random, DIMS, "k", batch * 150, 300);
      space.multiset(rows);
      model.putAll(rows);
    }
    return space;
  }

  /** Data files one optimize opens in a fixed scenario of writes during its rewrite, its commit losing {@code races}. */
  private int dataFilesOpenedByOptimize(int races) throws Exception {
    Random random = new Random(17);
    String uri = dir.resolve("hub-" + races).toUri().toString();
    Map<String, float[]> model = new HashMap<>();
    Space space = fourOverlappingBatches(uri, random, model);
    List<String> keys = new ArrayList<>(new TreeSet<>(model.keySet()));
    FaultyFileIO io = new FaultyFileIO(new HadoopFileIO(URI.create(uri), new Configuration()));
    EmbeddingHub optimizer = EmbeddingHub.open(io, new Configuration());
    WritesDuringRewrite runner = new WritesDuringRewrite(optimizer.runner(), () -> {
      Map<String, float[]> overwrites = new HashMap<>();
      for (int i = 0; i < 40; i++) {
        overwrites.put(keys.get(random.nextInt(keys.size())), Oracles.vector(random, DIMS));
      }
      space.multiset(overwrites);
      model.putAll(overwrites);
      io.loseNextRaces(races);
    });
    int before = io.dataFileOpens();
    OptimizeJob.run(runner, "s");
    assertThat(runner.rewrites).isEqualTo(1);
    assertThat(io.commitAttempts()).as("commit attempts").isEqualTo(races + 1);
    Oracles.assertContents(EmbeddingHub.open(uri, new Configuration()).getSpace("s"), model, "after the optimize");
    return io.dataFileOpens() - before;
  }

  /** The local runner, with other writers' commits landing after an optimize's rewrite tasks ran. */
  private static final class WritesDuringRewrite implements JobRunner {
    private final JobRunner local;
    private final Runnable writes;
    int rewrites;

    private final String taskName;

    WritesDuringRewrite(EngineHub hub, Runnable writes) {
      this(hub, writes, "RewriteTask");
    }

    /** Runs {@code writes} after the first round of tasks whose input class is {@code taskName}. */
    WritesDuringRewrite(EngineHub hub, Runnable writes, String taskName) {
      this(JobRunner.local(hub), writes, taskName);
    }

    WritesDuringRewrite(JobRunner local, Runnable writes) {
      this(local, writes, "RewriteTask");
    }

    private WritesDuringRewrite(JobRunner local, Runnable writes, String taskName) {
      this.local = local;
      this.writes = writes;
      this.taskName = taskName;
    }

    @Override
    public EngineHub hub() {
      return local.hub();
    }

    @Override
    public long taskMemoryBytes() {
      return local.taskMemoryBytes();
    }

    @Override
    public <I extends Serializable, O extends Serializable> List<O> map(List<I> inputs, Task<I, O> task) {
      List<O> results = local.map(inputs, task);
      if (!inputs.isEmpty() && inputs.get(0).getClass().getSimpleName().equals(taskName)) {
        rewrites++;
        if (rewrites == 1) {
          writes.run();
        }
      }
      return results;
    }

    @Override
    public <I extends Serializable, R extends Serializable, S extends Serializable, O extends Serializable>
        Shuffled<S, O> shuffle(List<I> inputs, int partitions, Shuffle<I, R, S, O> shuffle) {
      return local.shuffle(inputs, partitions, shuffle);
    }
  }
}

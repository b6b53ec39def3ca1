package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.testing.BruteForceKnn;
import io.embeddinghub.testing.FsFaults;
import io.embeddinghub.testing.FsFaults.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every write path (set, multiset, bulk load, delete, multidelete, deleteAll, optimize, buildIndex
 * with one partition and split into several, vacuum) under every single file-system fault: each
 * path is first run with counting only, to learn how many calls of each {@link Kind} it makes;
 * then, for every kind and every n up to that count (past {@link #MAX_CASES_PER_KIND} sampled
 * evenly; writes and reads at the first and last of each file), the n-th call of that kind
 * fails (through {@code fault:}, a Hadoop file system over the local disk) and the test checks:
 *
 * <ol>
 *   <li>the call throws an {@link EmbeddingHubException} carrying the injected I/O error, or
 *       succeeds when the fault hit a best-effort step (a temporary file's delete, a checkpoint, a
 *       cleanup delete);
 *   <li>the space, reopened through a fresh hub on {@code file:}, is at its previous version with
 *       the previous contents, or at the next one with the new contents (only when the commit
 *       landed: the error then says the outcome is unknown), against a HashMap model; exact kNN
 *       equals brute force over the model, approximate kNN returns live keys;
 *   <li>a retry of the same call on the same {@code Space} succeeds and the model then matches;
 *       a vacuum afterwards leaves only files the space references, and nothing outside the hub
 *       root was ever named or touched.
 * </ol>
 */
class FaultMatrixTest {
  private static final int DIMS = 4;
  private static final String SPACE = "s";
  /** Past this many calls of a kind, n is sampled evenly (first and last always included). */
  private static final int MAX_CASES_PER_KIND = 50;
  private static final Map<String, Long> PHASES = new LinkedHashMap<>();
  private static final Map<String, Integer> OUTCOMES = new LinkedHashMap<>();
  /** Faults a call survived, by path, kind and the kind of file hit. */
  private static final Map<String, Integer> BEST_EFFORT = new java.util.TreeMap<>();
  private static final Path BASE = Path.of("target", "fault-matrix").toAbsolutePath();

  /** One write path: how to set the space up, what the call is, and what it does to the model. */
  private record WritePath(
      String name,
      SpaceSpec spec,
      Consumer<Space> setup,
      Consumer<Space> action,
      UnaryOperator<Map<String, float[]>> effect,
      boolean commits) {}

  /** Loaded once: a new Configuration parses Hadoop's default XML resources again on first use. */
  private static final Configuration SETTINGS = new Configuration();

  static {
    SETTINGS.setInt(HubProperties.INDEX_MIN_ROWS, 16);
    SETTINGS.setLong(HubProperties.INDEX_AUTO_TAIL_ROWS, 0);
    SETTINGS.setLong(HubProperties.WRITE_BUFFER_BYTES, 4_000);
    SETTINGS.setInt(HubProperties.CHECKPOINT_INTERVAL, 2);
    SETTINGS.get("fs.file.impl"); // loads the default resources now, so copies do not parse them again
  }

  private static Configuration settings() {
    return new Configuration(SETTINGS);
  }

  private static SpaceSpec spec() {
    return SpaceSpec.builder(SPACE, DIMS).buckets(2).targetFileRows(16).build();
  }

  private static Map<String, float[]> rows(String prefix, int from, int count, int seed) {
    return Oracles.batch(new Random(seed), DIMS, prefix, from, count);
  }

  private static Map<String, float[]> plus(Map<String, float[]> model, Map<String, float[]> rows) {
    Map<String, float[]> out = new HashMap<>(model);
    out.putAll(rows);
    return out;
  }

  private static Map<String, float[]> minus(Map<String, float[]> model, List<String> keys) {
    Map<String, float[]> out = new HashMap<>(model);
    keys.forEach(out::remove);
    return out;
  }

  private static final Map<String, float[]> OVERWRITES = rows("k", 10, 20, 2);
  private static final Map<String, float[]> NEW_ROWS = rows("n", 0, 10, 3);
  private static final Map<String, float[]> BULK = rows("b", 0, 150, 4);
  private static final float[] ONE = {0.5f, -0.25f, 0.125f, 1f};
  private static final List<String> MULTI_DELETE = List.of("k001", "k004", "k009", "k016", "k025", "k036", "absent");

  private static void base(Space s) {
    s.multiset(rows("k", 0, 40, 1));
  }

  /** Several small files per bucket, overwrites, deletes: something for optimize and vacuum to do. */
  private static void churn(Space s) {
    base(s);
    s.multiset(rows("k", 20, 30, 5));
    s.multiset(rows("k", 45, 40, 6));
    s.multidelete(List.of("k003", "k021", "k050"));
  }

  private static Map<String, float[]> churned() {
    Map<String, float[]> m = plus(plus(rows("k", 0, 40, 1), rows("k", 20, 30, 5)), rows("k", 45, 40, 6));
    return minus(m, List.of("k003", "k021", "k050"));
  }

  private static List<WritePath> paths() {
    Map<String, float[]> base = rows("k", 0, 40, 1);
    List<WritePath> paths = new ArrayList<>();
    paths.add(new WritePath("set", spec(), FaultMatrixTest::base,
        s -> s.set("k005", ONE), m -> plus(m, Map.of("k005", ONE)), true));
    paths.add(new WritePath("multiset", spec(), FaultMatrixTest::base,
        s -> s.multiset(plus(OVERWRITES, NEW_ROWS)), m -> plus(m, plus(OVERWRITES, NEW_ROWS)), true));
    paths.add(new WritePath("bulkLoad", spec(), FaultMatrixTest::base,
        s -> s.multiset(Stream.concat(BULK.entrySet().stream(), OVERWRITES.entrySet().stream()).iterator()),
        m -> plus(plus(m, BULK), OVERWRITES), true));
    paths.add(new WritePath("delete", spec(), FaultMatrixTest::base,
        s -> s.delete("k007"), m -> minus(m, List.of("k007")), true));
    paths.add(new WritePath("multidelete", spec(), FaultMatrixTest::base,
        s -> s.multidelete(MULTI_DELETE), m -> minus(m, MULTI_DELETE), true));
    paths.add(new WritePath("optimize", spec(), FaultMatrixTest::churn,
        Space::optimize, m -> m, true));
    paths.add(new WritePath("buildIndex", spec(), FaultMatrixTest::churn,
        Space::buildIndex, m -> m, true));
    paths.add(new WritePath("buildIndexSplit",
        SpaceSpec.builder(SPACE, DIMS).buckets(2).targetFileRows(16)
            .indexParams(IndexParams.DEFAULT.withPartitionBytes(1024)).build(),
        FaultMatrixTest::churn, Space::buildIndex, m -> m, true));
    paths.add(new WritePath("deleteAll", spec(), FaultMatrixTest::base,
        Space::deleteAll, m -> Map.of(), true));
    paths.add(new WritePath("vacuum", spec(),
        s -> {
          churn(s);
          s.optimize();
          s.multiset(NEW_ROWS);
          s.delete("k030");
        },
        s -> s.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck()), m -> m, false));
    assertThat(base).hasSize(40);
    return paths;
  }

  /** The model after each path's setup. */
  private static Map<String, float[]> setupModel(String path) {
    switch (path) {
      case "optimize":
      case "buildIndex":
      case "buildIndexSplit":
        return churned();
      case "vacuum":
        return minus(plus(churned(), NEW_ROWS), List.of("k030"));
      default:
        return rows("k", 0, 40, 1);
    }
  }

  @Test
  void aSelectionOfWritePathsNamesOnlyKnownPaths() {
    assertThat(selectedPaths("")).hasSizeGreaterThan(5);
    assertThat(selectedPaths(" set, delete ,")).extracting(WritePath::name).containsExactly("set", "delete");
    for (String bad : List.of("nonsense", "set,Delete", ",")) {
      assertThatThrownBy(() -> selectedPaths(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("names no write path")
          .hasMessageContaining("the write paths are [set, multiset");
    }
  }

  @Test
  @Tag("slow")
  void everyWritePathSurvivesEveryFault() throws IOException {
    deleteTree(BASE);
    long started = System.nanoTime();
    List<String> failures = new ArrayList<>();
    Map<String, Map<Kind, Integer>> casesRun = new LinkedHashMap<>();
    Map<String, Map<Kind, Integer>> callCounts = new LinkedHashMap<>();
    int total = 0;
    List<WritePath> selected = selectedPaths(System.getProperty("faultMatrix.paths", ""));
    for (WritePath path : selected) {
      long pathStarted = System.nanoTime();
      Path template = BASE.resolve(path.name()).resolve("template");
      Map<String, float[]> before = setupModel(path.name());
      long beforeVersion = makeTemplate(path, template, before);

      // learn: the path once, counting only
      CaseResult learned = runCase(path, template, before, beforeVersion, null, 0, failures);
      Map<Kind, Integer> counts = learned.counts;
      callCounts.put(path.name(), counts);
      Map<Kind, Integer> ran = new EnumMap<>(Kind.class);
      for (Kind kind : Kind.values()) {
        int calls = counts.getOrDefault(kind == Kind.RENAME_LANDED ? Kind.RENAME : kind, 0);
        List<Integer> ns = kind == Kind.WRITE ? perFileSample(learned.writePaths())
            : kind == Kind.READ ? perFileSample(learned.readPaths()) : sample(calls);
        for (int n : ns) {
          runCase(path, template, before, beforeVersion, kind, n, failures);
          ran.merge(kind, 1, Integer::sum);
          total++;
        }
      }
      casesRun.put(path.name(), ran);
      report(path.name() + ": calls " + counts + ", cases " + ran + ", "
          + (System.nanoTime() - pathStarted) / 1_000_000 + " ms, failures so far " + failures.size());
    }
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    report(total + " fault cases in " + seconds + " s, " + failures.size() + " failed; ms per phase "
        + PHASES.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() / 1_000_000).toList());
    report("outcomes " + OUTCOMES);
    report("faults survived (best effort) " + BEST_EFFORT);
    failures.forEach(f -> report("FAILED " + f));
    assertThat(failures).as("fault cases that failed (of %s)", total).isEmpty();
    assertThat(casesRun).as("fault cases run per selected path").allSatisfy((name, ran) ->
        assertThat(ran.values().stream().mapToInt(Integer::intValue).sum()).as("fault cases of %s", name).isPositive());
    assertThat(total).as("fault cases run (a matrix that ran none tested nothing)").isPositive();
  }

  /**
   * The write paths named by {@code -DfaultMatrix.paths} (comma-separated), or all when it is
   * empty; a name that is no write path fails the test rather than selecting nothing.
   */
  private static List<WritePath> selectedPaths(String selection) {
    List<WritePath> all = paths();
    if (selection.isBlank()) {
      return all;
    }
    Set<String> known = all.stream().map(WritePath::name).collect(Collectors.toCollection(LinkedHashSet::new));
    Set<String> wanted = new LinkedHashSet<>();
    for (String name : selection.split(",")) {
      if (!name.isBlank()) {
        wanted.add(name.trim());
      }
    }
    Set<String> unknown = new TreeSet<>(wanted);
    unknown.removeAll(known);
    if (!unknown.isEmpty() || wanted.isEmpty()) {
      throw new IllegalArgumentException("-DfaultMatrix.paths=" + selection + " names no write path " + unknown
          + "; the write paths are " + known);
    }
    return all.stream().filter(p -> wanted.contains(p.name())).toList();
  }

  /**
   * Reads that open files (a point read, a multiget, a full scan, an indexed kNN query, opening a
   * hub and space) under a failure of each of their opens and listings: an {@link EmbeddingHubException} carrying the I/O error (not a
   * {@link CorruptFileException}: the files are fine) or the right answer, and the same hub answers
   * right once the fault is gone.
   */
  @Test
  @Tag("slow")
  void readsUnderOpenFaultsReportIoErrorsNotCorruption() throws IOException {
    Path sandbox = Path.of("target", "fault-matrix-reads").toAbsolutePath();
    deleteTree(sandbox);
    Path hubDir = sandbox.resolve("hub");
    Files.createDirectories(hubDir);
    Space plain = EmbeddingHub.open(hubDir.toUri().toString(), settings()).createSpace(spec());
    churn(plain);
    plain.buildIndex();
    assertThat(plain.indexPartitions()).isNotEmpty();
    float[] q = {0.1f, 0.2f, 0.3f, 0.4f};
    Map<String, java.util.function.Function<Space, Object>> reads = new LinkedHashMap<>();
    reads.put("get", sp -> java.util.Arrays.toString(sp.get("k010")));
    reads.put("multiget", sp -> sp.multiget(List.of("k001", "k030", "k080")).stream().map(java.util.Arrays::toString).toList());
    reads.put("scan", sp -> new java.util.TreeMap<>(Oracles.contents(sp, "scan")).entrySet().stream()
        .map(e -> e.getKey() + java.util.Arrays.toString(e.getValue())).toList());
    reads.put("nearest", sp -> Oracles.keysOf(sp.nearestNeighbors(5, q)));
    FsFaults faults = FsFaults.create();
    int cases = 0;
    try {
      Configuration conf = faults.configure(settings());
      // opening a hub and a space (hint, checkpoint, log entries, listing), then a point read
      reads.put("open+get", sp -> java.util.Arrays.toString(
          EmbeddingHub.open("fault://" + hubDir, conf).getSpace(SPACE).get("k010")));
      for (Map.Entry<String, java.util.function.Function<Space, Object>> read : reads.entrySet()) {
        Space learn = EmbeddingHub.open("fault://" + hubDir, conf).getSpace(SPACE);
        faults.resetCounts();
        Object expected = read.getValue().apply(learn);
        Map<Kind, Integer> counts = faults.counts();
        assertThat(counts.getOrDefault(Kind.OPEN, 0)).as("%s opens files", read.getKey()).isPositive();
        List<String> readPaths = faults.callPaths(Kind.READ);
        for (Kind kind : List.of(Kind.OPEN, Kind.LIST, Kind.READ)) {
          List<Integer> ns = kind == Kind.READ ? perFileSample(readPaths) : sample(counts.getOrDefault(kind, 0));
          for (int n : ns) {
            checkReadUnderFault(hubDir, conf, faults, read.getKey(), read.getValue(), expected, kind, n);
            cases++;
          }
        }
      }
    } finally {
      faults.close();
    }
    report("reads: " + cases + " open/list-fault cases passed");
    assertThat(cases).as("open/list-fault cases run").isPositive();
    deleteTree(sandbox);
  }

  private static void checkReadUnderFault(
      Path hubDir, Configuration conf, FsFaults faults, String name, java.util.function.Function<Space, Object> read,
      Object expected, Kind kind, int n) {
    String context = name + " with " + kind + " #" + n + " failing";
    Space space = EmbeddingHub.open("fault://" + hubDir, conf).getSpace(SPACE);
    faults.arm(kind, n);
    Object got = null;
    Throwable thrown = null;
    try {
      got = read.apply(space);
    } catch (Throwable t) {
      thrown = t;
    }
    faults.disarm();
    assertThat(faults.fired()).as(context).hasSize(1);
    if (thrown == null) {
      assertThat(got).as(context).isEqualTo(expected);
    } else {
      assertThat(thrown).as("%s: %s", context, describe(thrown))
          .isInstanceOf(EmbeddingHubException.class).isNotInstanceOf(CorruptFileException.class);
      assertThat(injected(thrown)).as("%s carries the injected error", context).isTrue();
    }
    assertThat(read.apply(space)).as("%s, then again without the fault", context).isEqualTo(expected);
  }

  /** The write paths on a slow file system (every call delayed): same results, nothing times out. */
  @Test
  @Tag("slow")
  void writesOnASlowFileSystem() throws IOException {
    Path sandbox = Path.of("target", "fault-matrix-slow").toAbsolutePath();
    deleteTree(sandbox);
    Path hubDir = sandbox.resolve("hub");
    Files.createDirectories(hubDir);
    FsFaults faults = FsFaults.create();
    try {
      faults.delay(1);
      Space space = EmbeddingHub.open("fault://" + hubDir, faults.configure(settings())).createSpace(spec());
      base(space);
      space.multiset(plus(OVERWRITES, NEW_ROWS));
      space.multidelete(MULTI_DELETE);
      space.optimize();
      space.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
      Map<String, float[]> model = minus(plus(rows("k", 0, 40, 1), plus(OVERWRITES, NEW_ROWS)), MULTI_DELETE);
      faults.delay(0);
      checkContents(EmbeddingHub.open(hubDir.toUri().toString(), settings()).getSpace(SPACE), model, "slow");
    } finally {
      faults.close();
    }
    deleteTree(sandbox);
  }

  /** Prints a line and appends it to target/fault-matrix/summary.txt. */
  private static void report(String line) {
    System.out.println("FaultMatrixTest: " + line);
    try {
      Files.createDirectories(BASE);
      Files.writeString(BASE.resolve("summary.txt"), line + "\n",
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The reads or writes worth failing: the first and the last of each file (a partial write or a
   * failed read within one file differ only in how many bytes got through).
   */
  static List<Integer> perFileSample(List<String> writePaths) {
    Map<String, List<Integer>> byFile = new LinkedHashMap<>();
    for (int i = 0; i < writePaths.size(); i++) {
      byFile.computeIfAbsent(writePaths.get(i), p -> new ArrayList<>()).add(i + 1);
    }
    TreeSet<Integer> picked = new TreeSet<>();
    for (List<Integer> calls : byFile.values()) {
      picked.add(calls.get(0));
      picked.add(calls.get(calls.size() - 1));
    }
    return List.copyOf(picked);
  }

  /** 1..calls, or MAX_CASES_PER_KIND values spread evenly over it (first and last included). */
  static List<Integer> sample(int calls) {
    int cap = Integer.getInteger("faultMatrix.maxPerKind", MAX_CASES_PER_KIND);
    if (calls <= cap) {
      return java.util.stream.IntStream.rangeClosed(1, calls).boxed().toList();
    }
    TreeSet<Integer> picked = new TreeSet<>();
    for (int i = 0; i < cap; i++) {
      picked.add(1 + (int) ((long) i * (calls - 1) / (cap - 1)));
    }
    return List.copyOf(picked);
  }

  private long makeTemplate(WritePath path, Path template, Map<String, float[]> model) throws IOException {
    Path hubDir = template.resolve("hub");
    Files.createDirectories(hubDir);
    EmbeddingHub hub = EmbeddingHub.open(hubDir.toUri().toString(), settings());
    Space space = hub.createSpace(path.spec());
    path.setup().accept(space);
    Oracles.assertSameEntries(Oracles.contents(space, path.name()), model, path.name() + " setup");
    return space.version();
  }

  private record CaseResult(Map<Kind, Integer> counts, List<String> writePaths, List<String> readPaths) {}

  private CaseResult runCase(
      WritePath path, Path template, Map<String, float[]> before, long beforeVersion, Kind kind, int n,
      List<String> failures) throws IOException {
    String name = path.name() + (kind == null ? "-learn" : "-" + kind + "-" + n);
    Path sandbox = BASE.resolve(path.name()).resolve(kind == null ? "learn" : kind + "-" + n);
    Path hubDir = sandbox.resolve("hub");
    long t0 = System.nanoTime();
    copyTree(template.resolve("hub"), hubDir);
    Path outside = sandbox.resolve("outside.txt");
    Files.writeString(outside, "not the hub's");
    FsFaults faults = FsFaults.create();
    try {
      Configuration conf = faults.configure(settings());
      EmbeddingHub hub = EmbeddingHub.open("fault://" + hubDir, conf);
      Space space = hub.getSpace(SPACE);
      Map<String, float[]> after = path.effect().apply(before);
      if (kind == null) {
        faults.resetCounts();
      } else {
        faults.arm(kind, n);
      }
      long t1 = System.nanoTime();
      Throwable thrown = null;
      try {
        path.action().accept(space);
      } catch (Throwable t) {
        thrown = t;
      }
      faults.disarm();
      Map<Kind, Integer> counts = faults.counts();
      List<FsFaults.Fault> fired = faults.fired();
      String context = name + " (fired " + fired + ", thrown " + describe(thrown) + ")";
      if (kind == null) {
        if (thrown != null) {
          throw new AssertionError(name + ": the path fails without faults", thrown);
        }
      } else {
        checkOutcome(path, thrown, fired, context);
      }

      // (2) a fresh hub without faults reads the last committed version
      long t2 = System.nanoTime();
      long version = checkCommitted(
          hubDir, path, before, after, beforeVersion, thrown, thrown == null && kind != null && path.commits(), context);
      if (kind != null && thrown == null) {
        BEST_EFFORT.merge(path.name() + " " + kind + " " + fileKind(fired.get(0).path()), 1, Integer::sum);
      }
      if (kind != null) {
        OUTCOMES.merge(thrown == null ? "succeeded (best-effort step)"
            : version > beforeVersion ? "failed after the commit landed (unknown outcome)" : "failed, nothing committed",
            1, Integer::sum);
      }

      // (3) a retry on the same Space succeeds and the model then matches
      long t3 = System.nanoTime();
      if (kind != null) {
        try {
          path.action().accept(space);
        } catch (RuntimeException e) {
          throw new AssertionError(context + ": the retry failed: " + describe(e), e);
        }
        boolean landedFirst = version > beforeVersion;
        checkCommitted(hubDir, path, landedFirst ? after : before, after, version, null,
            !landedFirst && path.commits(), context + " after retry");
        assertThat(space.size()).as("%s: size through the faulted hub after retry", context).isEqualTo(after.size());
      }

      long t4 = System.nanoTime();
      // leftovers: a vacuum leaves exactly the referenced files (so every referenced file is intact)
      checkVacuumLeavesReferencedFiles(hubDir, context);

      long t5 = System.nanoTime();
      PHASES.merge("setup", t1 - t0, Long::sum);
      PHASES.merge("faulted call", t2 - t1, Long::sum);
      PHASES.merge("check", t3 - t2, Long::sum);
      PHASES.merge("retry+check", t4 - t3, Long::sum);
      PHASES.merge("vacuum check", t5 - t4, Long::sum);
      // nothing outside the hub root was named or touched
      String root = hubDir.toString();
      assertThat(faults.paths()).as("%s: paths the file system was asked about", context)
          .allMatch(p -> p.equals(root) || p.startsWith(root + "/"));
      try (Stream<Path> entries = Files.list(sandbox)) {
        assertThat(entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
            .as("%s: sandbox", context).containsExactlyInAnyOrder("hub", "outside.txt");
      }
      assertThat(Files.readString(outside)).as(context).isEqualTo("not the hub's");
      deleteTree(sandbox);
      return new CaseResult(counts, faults.callPaths(Kind.WRITE), faults.callPaths(Kind.READ));
    } catch (AssertionError | RuntimeException e) {
      if (kind == null) {
        throw e;
      }
      failures.add(name + ": " + firstLines(e));
      return new CaseResult(Map.of(), List.of(), List.of());
    } finally {
      faults.close();
    }
  }

  /** (1) the call failed with the store's exception carrying the injected error, or the fault was best effort. */
  private static void checkOutcome(WritePath path, Throwable thrown, List<FsFaults.Fault> fired, String context) {
    assertThat(fired).as("%s: the armed fault fired", context).hasSize(1);
    FsFaults.Fault fault = fired.get(0);
    String file = fault.path().substring(fault.path().lastIndexOf('/') + 1);
    if (fault.kind() == Kind.DELETE && file.startsWith(".")) { // the outcome is decided before a temp file goes
      assertThat(thrown).as("%s: failed to delete a temporary file, which is best effort", context).isNull();
    }
    if (thrown == null) {
      assertThat(isBestEffort(fault)).as("%s: succeeded although a fault hit a step that is not best effort", context).isTrue();
      return;
    }
    assertThat(thrown).as("%s: exception type", context).isInstanceOf(EmbeddingHubException.class);
    assertThat(thrown).as("%s: exception type", context)
        .isNotInstanceOfAny(InvalidInputException.class, KeyNotFoundException.class, SpaceNotFoundException.class,
            CorruptFileException.class, VersionNotFoundException.class);
    assertThat(injected(thrown)).as("%s: the exception carries the injected I/O error", context).isTrue();
  }

  /** What a path names, for statistics: a temporary file, a checkpoint, a log entry, a data or index file. */
  private static String fileKind(String path) {
    String file = path.substring(path.lastIndexOf('/') + 1);
    String kind = path.contains("/_log/") ? (file.contains("checkpoint") ? "checkpoint" : "log")
        : path.contains("/data/") ? "data" : path.contains("/index/") ? "index" : "dir";
    return file.startsWith(".") ? kind + "-temp" : kind;
  }

  /**
   * Steps whose failure the store may swallow: temporary files, checkpoints (derived), cleanup
   * deletes, and reads parquet-mr treats as optional (a bloom filter or page index it cannot read
   * only prunes less); the contents are checked against the model either way.
   */
  private static boolean isBestEffort(FsFaults.Fault fault) {
    String file = fault.path().substring(fault.path().lastIndexOf('/') + 1);
    return file.startsWith(".") || file.contains("checkpoint") || fault.kind() == Kind.DELETE
        || (fault.kind() == Kind.READ && file.endsWith(".parquet"));
  }

  private static boolean injected(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof FsFaults.InjectedIOException) {
        return true;
      }
      for (Throwable s : c.getSuppressed()) {
        if (injected(s)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean mentionsUnknownOutcome(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && c.getMessage().contains("unknown outcome")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reopens on {@code file:} and checks version and contents: the version is {@code beforeVersion}
   * with {@code before}'s contents, or (for a committing path) the next with {@code after}'s;
   * {@code mustLand} requires the latter. Returns the version found.
   */
  private static long checkCommitted(
      Path hubDir, WritePath path, Map<String, float[]> before, Map<String, float[]> after, long beforeVersion,
      Throwable thrown, boolean mustLand, String context) {
    EmbeddingHub fresh = EmbeddingHub.open(hubDir.toUri().toString(), settings());
    Space space = fresh.getSpace(SPACE);
    long version = space.version();
    boolean landed = version > beforeVersion;
    if (path.commits()) {
      assertThat(version).as("%s: version", context).isBetween(beforeVersion, beforeVersion + 1);
      assertThat(landed || !mustLand).as("%s: succeeded but committed nothing", context).isTrue();
      if (thrown != null && landed) {
        assertThat(mentionsUnknownOutcome(thrown))
            .as("%s: committed, yet reported as failed without saying the outcome is unknown", context).isTrue();
      }
    } else {
      assertThat(version).as("%s: version", context).isEqualTo(beforeVersion);
    }
    Map<String, float[]> model = landed ? after : before;
    checkContents(space, model, context);
    space.history(); // every retained version's entry is readable
    return version;
  }

  /**
   * Every entry (a full scan, no key twice), size, point reads of a sample of keys and of an absent
   * one, exact kNN against brute force over the model and approximate kNN returning live keys.
   */
  private static void checkContents(Space space, Map<String, float[]> model, String context) {
    assertThat(space.size()).as("%s: size", context).isEqualTo(model.size());
    Oracles.assertSameEntries(Oracles.contents(space, context), model, context);
    List<String> keys = new ArrayList<>(new TreeSet<>(model.keySet()));
    List<String> sample = new ArrayList<>();
    for (int i = 0; i < keys.size(); i += Math.max(1, keys.size() / 8)) {
      sample.add(keys.get(i));
    }
    if (keys.isEmpty()) {
      assertThat(space.nearestNeighbors(10, new float[DIMS])).as("%s: kNN of an empty space", context).isEmpty();
      return;
    }
    List<float[]> got = space.multiget(sample);
    for (int i = 0; i < sample.size(); i++) {
      assertThat(got.get(i)).as("%s: multiget %s", context, sample.get(i)).containsExactly(model.get(sample.get(i)));
    }
    String last = keys.get(keys.size() - 1);
    assertThat(space.get(last)).as("%s: get %s", context, last).containsExactly(model.get(last));
    assertThat(space.find("absent")).as(context).isEmpty();
    Random random = new Random(7);
    for (int i = 0; i < 2; i++) {
      float[] q = Oracles.vector(random, DIMS);
      List<String> expected =
          BruteForceKnn.nearestKeys(space.metric(), model, q, 10, null);
      assertThat(Oracles.keysOf(space.nearestNeighbors(10, q, SearchOptions.exactSearch())))
          .as("%s: exact kNN", context).containsExactlyElementsOf(expected);
      assertThat(Oracles.keysOf(space.nearestNeighbors(10, q)))
          .as("%s: approximate kNN holds live keys", context).hasSize(10).allMatch(model::containsKey);
    }
  }

  private static void checkVacuumLeavesReferencedFiles(Path hubDir, String context) {
    EmbeddingHub fresh = EmbeddingHub.open(hubDir.toUri().toString(), settings());
    Space space = fresh.getSpace(SPACE);
    space.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    Set<String> referenced = new TreeSet<>();
    space.dataFiles().forEach(f -> referenced.add(f.path()));
    space.indexPartitions().forEach(p -> referenced.add(p.path()));
    Set<String> present = new TreeSet<>();
    for (String dir : List.of("data", "index")) {
      Path d = hubDir.resolve(SPACE).resolve(dir);
      if (Files.isDirectory(d)) {
        try (Stream<Path> files = Files.walk(d)) {
          files.filter(Files::isRegularFile).forEach(f -> present.add(hubDir.relativize(f).toString()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    assertThat(present).as("%s: data and index files after vacuum", context).isEqualTo(referenced);
    try (Stream<Path> logFiles = Files.list(hubDir.resolve(SPACE).resolve("_log"))) {
      assertThat(logFiles.map(p -> p.getFileName().toString()).filter(f -> f.startsWith(".")).toList())
          .as("%s: temporary files in _log after vacuum", context).isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String describe(Throwable t) {
    return t == null ? "nothing" : t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static String firstLines(Throwable e) {
    String s = e.getClass().getSimpleName() + ": " + e.getMessage();
    if (e.getCause() != null) {
      s += " | cause " + describe(e.getCause());
    }
    return s.length() > 1500 ? s.substring(0, 1500) + "…" : s;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}

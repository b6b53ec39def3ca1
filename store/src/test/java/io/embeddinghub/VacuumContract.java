package io.embeddinghub;

import static io.embeddinghub.Oracles.assertContents;
import static io.embeddinghub.Oracles.assertNearest;
import static io.embeddinghub.Oracles.assertSameEntries;
import static io.embeddinghub.Oracles.batch;
import static io.embeddinghub.Oracles.dataAndIndexFiles;
import static io.embeddinghub.Oracles.dataFiles;
import static io.embeddinghub.Oracles.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.testing.TestHubs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Vacuum and drop against raw file listings and HashMap models: what is deleted is exactly what no
 * retained version (of this space or any other) needs; what is kept still reads as the model.
 */
abstract class VacuumContract {
  private static final int DIMS = 4;
  private static final int INDEX_MIN_ROWS = 32;
  private static final int BUCKETS = 2;

  private final TestHubs hubs;

  VacuumContract(TestHubs hubs) {
    this.hubs = hubs;
  }

  private EmbeddingHub newHub() {
    Configuration conf = new Configuration(false);
    conf.setInt(HubProperties.INDEX_MIN_ROWS, INDEX_MIN_ROWS); // bigger files get index files too
    return hubs.newHub(conf);
  }

  @Test
  void vacuumZeroLeavesExactlyTheFilesOfTheLatestVersionAndExpiresOlderVersions() {
    Random random = new Random(21);
    EmbeddingHub hub = newHub();
    TrackedSpace t = new TrackedSpace(hub.createSpace(SpaceSpec.builder("v", DIMS).buckets(BUCKETS).build()));
    t.multiset(batch(random, DIMS, "k", 0, 120));
    for (String k : List.of("k001", "k002")) {
      t.set(k, vector(random, DIMS));
    }
    t.multidelete(List.of("k010", "k011", "k012", "k013", "k014", "k015"));
    t.multiset(batch(random, DIMS, "k", 20, 40));
    t.deleteAll();
    t.multiset(batch(random, DIMS, "n", 0, 100));
    t.multiset(batch(random, DIMS, "n", 0, 30));
    t.multiset(batch(random, DIMS, "n", 500, 10));
    t.delete("n005");
    assertThat(t.optimize().filesRemoved()).isPositive();
    t.set("z", vector(random, DIMS)); // a new key: the latest version is the optimized files plus one
    long latest = t.version();
    List<VersionInfo> historyBefore = t.space.history();
    assertThat(historyBefore).hasSize((int) latest + 1);

    Set<String> before = dataAndIndexFiles(hubs, hub, "v");
    long bytesBefore = before.stream().mapToLong(f -> hubs.read(hub, f).length).sum();
    hubs.clock().advance(Duration.ofMillis(20)); // retention ZERO keeps files younger than "now"
    VacuumResult result = t.space.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());

    Set<String> after = dataAndIndexFiles(hubs, hub, "v");
    assertThat(before).containsAll(after);
    Set<String> deleted = new TreeSet<>(before);
    deleted.removeAll(after);
    assertThat(deleted).as("stale files were deleted").isNotEmpty();
    long bytesAfter = after.stream().mapToLong(f -> hubs.read(hub, f).length).sum();

    // what is left is exactly the latest version: every row of every remaining file is live, no
    // key is in two files (a stale file would repeat a key or hold a deleted one)
    Set<String> remainingData = dataFiles(hubs, hub, "v");
    assertSameEntries(Oracles.unionOfRows(hubs, hub, remainingData, "after vacuum"), t.model, "rows of the remaining files");
    // after optimize each non-empty bucket is one file; "z" was written after it as one more file
    Set<Integer> optimizedBuckets = t.model.keySet().stream()
        .filter(k -> !k.equals("z")).map(k -> Oracles.bucketOf(k, BUCKETS)).collect(Collectors.toSet());
    assertThat(remainingData).hasSize(optimizedBuckets.size() + 1);
    // index files: exactly the partition optimize built over the compacted files, none orphaned
    Set<String> expectedIndexes = t.space.snapshot().indexPartitions().stream()
        .map(IndexPartitionInfo::path)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(expectedIndexes).as("the test has index files to check").hasSize(1);
    assertThat(new TreeSet<>(hubs.listFiles(hub, "v/index"))).isEqualTo(expectedIndexes);

    assertThat(result.filesDeleted()).isEqualTo(deleted.size());
    assertThat(result.bytesDeleted()).isEqualTo(bytesBefore - bytesAfter);
    assertThat(result.versionsExpired()).as("versions before the latest").isEqualTo((int) latest);

    // the latest version still reads as the model, here and on a fresh hub instance
    Space fresh = hubs.reopen(hub).getSpace("v");
    for (Space s : List.of(t.space, fresh)) {
      assertContents(s, t.model, "latest after vacuum");
      assertNearest(s, t.model, random, "kNN after vacuum");
      assertContents(s.snapshot(latest), t.model, "snapshot(latest) after vacuum");
      for (long v = 0; v < latest; v++) {
        long version = v;
        assertThatThrownBy(() -> s.snapshot(version))
            .as("version %d after vacuum ZERO", v)
            .isInstanceOf(VersionNotFoundException.class)
            .hasMessageContaining("Version " + v);
      }
      assertThat(s.history()).extracting(VersionInfo::version).containsExactly(latest);
      assertThatThrownBy(() -> s.asOf(historyBefore.get(1).timestamp())).isInstanceOf(VersionNotFoundException.class);
      assertThat(s.asOf(historyBefore.get((int) latest).timestamp()).version()).isEqualTo(latest);
    }
    List<String> log = hubs.listFiles(hub, "v/_log");
    assertThat(log).noneMatch(f -> f.matches(".*/\\d{20}\\.json") && version(f) < latest);
    assertThat(log).contains(String.format("v/_log/%020d.json", latest));

    // a second vacuum has nothing to do; the space keeps working
    hubs.clock().advance(Duration.ofMillis(5));
    assertThat(t.space.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck())).isEqualTo(new VacuumResult(0, 0, 0));
    t.set("after", vector(random, DIMS));
    assertContents(hubs.reopen(hub).getSpace("v"), t.model, "write after vacuum");
    assertContents(hubs.reopen(hub).getSpace("v").snapshot(latest), t.at(latest), "last vacuumed version");
  }

  @Tag("slow") // many versions
  @Test
  void longRetentionDeletesNothingAndKeepsEveryVersion() {
    Random random = new Random(22);
    EmbeddingHub hub = newHub();
    TrackedSpace t = new TrackedSpace(hub.createSpace(SpaceSpec.builder("r", DIMS).buckets(3).build()));
    t.multiset(batch(random, DIMS, "k", 0, 60));
    t.set("k001", vector(random, DIMS));
    t.deleteAll();
    t.multiset(batch(random, DIMS, "k", 0, 30));
    t.set("k002", vector(random, DIMS));
    t.delete("k003");
    t.optimize();
    List<String> before = hubs.listFiles(hub, "r");
    hubs.clock().advance(Duration.ofMillis(10));

    assertThat(t.space.vacuum(Duration.ofDays(1))).isEqualTo(new VacuumResult(0, 0, 0));
    assertThat(hub.vacuum(Duration.ofDays(1))).isEqualTo(new VacuumResult(0, 0, 0));
    assertThat(hubs.listFiles(hub, "r")).isEqualTo(before);
    Space fresh = hubs.reopen(hub).getSpace("r");
    assertThat(fresh.history()).hasSize((int) t.version() + 1);
    for (long v = 0; v <= t.version(); v++) {
      assertContents(fresh.snapshot(v), t.at(v), "version " + v + " after a 1-day-retention vacuum");
    }
  }

  @Test
  void retentionKeepsTheVersionCurrentAtTheCutoffAndYoungUnreferencedFiles() {
    org.junit.jupiter.api.Assumptions.assumeTrue(hubs.setsModificationTimes(),
        "the young orphan's age comes from the test clock, which an object store cannot set");
    Random random = new Random(23);
    EmbeddingHub hub = newHub();
    TrackedSpace t = new TrackedSpace(hub.createSpace(SpaceSpec.builder("w", DIMS).buckets(2).build()));
    t.multiset(batch(random, DIMS, "a", 0, 40));
    t.deleteAll();
    Set<String> v2Files = dataAndIndexFiles(hubs, hub, "w");
    t.multiset(batch(random, DIMS, "b", 0, 30));
    Set<String> v3Files = minus(dataAndIndexFiles(hubs, hub, "w"), v2Files);
    hubs.clock().advance(Duration.ofMinutes(10));
    Set<String> beforeV4 = dataAndIndexFiles(hubs, hub, "w");
    t.set("b001", vector(random, DIMS));
    Set<String> v4Files = minus(dataAndIndexFiles(hubs, hub, "w"), beforeV4);
    // what a writer that has not committed yet would leave: young and unreferenced
    String orphan = "w/data/bucket=0000/orphan-in-flight.parquet";
    String orphanTemp = "w/_log/.00000000000000000005.json.in-flight.tmp";
    hubs.write(hub, orphan, "not yet committed".getBytes(StandardCharsets.UTF_8));
    hubs.write(hub, orphanTemp, "{}".getBytes(StandardCharsets.UTF_8));

    // version 3 was current until version 4, i.e. within the last 5 minutes: it is retained
    VacuumResult result = t.space.vacuum(Duration.ofMinutes(5), VacuumOptions.withoutRetentionCheck());
    Set<String> expected = new TreeSet<>(v3Files);
    expected.addAll(v4Files);
    expected.add(orphan);
    assertThat(dataAndIndexFiles(hubs, hub, "w")).isEqualTo(expected);
    assertThat(hubs.exists(hub, orphanTemp)).isTrue();
    assertThat(result.versionsExpired()).isEqualTo(3);
    Space fresh = hubs.reopen(hub).getSpace("w");
    for (long v = 0; v < 3; v++) {
      long version = v;
      assertThatThrownBy(() -> fresh.snapshot(version)).isInstanceOf(VersionNotFoundException.class);
    }
    assertContents(fresh.snapshot(3), t.at(3), "version 3 (current at the cutoff)");
    assertContents(fresh.snapshot(4), t.at(4), "version 4");

    // once old enough, the orphans go too; version 4's files stay (v3's file is still live in v4)
    hubs.clock().advance(Duration.ofMillis(20));
    VacuumResult zero = t.space.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    Set<String> latestFiles = new TreeSet<>(v3Files);
    latestFiles.addAll(v4Files);
    assertThat(dataAndIndexFiles(hubs, hub, "w")).isEqualTo(latestFiles);
    assertThat(hubs.exists(hub, orphanTemp)).isFalse();
    assertThat(zero.filesDeleted()).isEqualTo(2);
    assertThat(zero.versionsExpired()).isEqualTo(1);
    assertContents(hubs.reopen(hub).getSpace("w"), t.model, "latest after vacuum ZERO");
  }

  @Tag("slow") // forks and drops
  @Test
  void aForksFilesSurviveTheParentsVacuumAndDropUntilTheForkIsDroppedToo() {
    Random random = new Random(24);
    Configuration conf = new Configuration(false);
    conf.setInt(HubProperties.INDEX_MIN_ROWS, 8);
    EmbeddingHub hub = hubs.newHub(conf);
    TrackedSpace parent = new TrackedSpace(hub.createSpace(SpaceSpec.builder("parent", DIMS).buckets(BUCKETS).build()));
    parent.multiset(batch(random, DIMS, "k", 0, 60));
    parent.set("k001", vector(random, DIMS));
    parent.buildIndex();
    Set<String> filesAtV2 = dataAndIndexFiles(hubs, hub, "parent"); // (version 3 now: the index build)
    assertThat(filesAtV2).anyMatch(f -> f.endsWith(".ehi"));
    parent.multidelete(List.of("k002", "k003", "k004"));

    TrackedSpace child = new TrackedSpace(parent.space.fork("child", 3), parent.at(3));
    parent.deleteAll();
    parent.multiset(batch(random, DIMS, "p", 0, 40));
    parent.set("p001", vector(random, DIMS));
    parent.optimize();
    child.set("c1", vector(random, DIMS));
    child.delete("k005");
    Set<String> childOwn = dataAndIndexFiles(hubs, hub, "child");
    assertThat(childOwn).isNotEmpty().allMatch(f -> f.startsWith("child/"));

    // the parent's vacuum keeps what the fork references (parent version 2, long expired here)
    hubs.clock().advance(Duration.ofMillis(20));
    parent.space.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    Set<String> parentAfter = dataAndIndexFiles(hubs, hub, "parent");
    assertThat(parentAfter).containsAll(filesAtV2);
    Set<String> parentLatest = minus(dataFiles(hubs, hub, "parent"), filesAtV2);
    assertSameEntries(Oracles.unionOfRows(hubs, hub, parentLatest, "parent latest"), parent.model,
        "the parent's other remaining files are exactly its latest version");
    assertContents(hubs.reopen(hub).getSpace("child"), child.model, "fork after the parent's vacuum");
    assertThatThrownBy(() -> parent.space.snapshot(3)).isInstanceOf(VersionNotFoundException.class);

    // dropping the parent keeps exactly the files the fork references
    hub.dropSpace("parent");
    assertThat(hub.listSpaces()).containsExactly("child");
    assertThatThrownBy(() -> hubs.reopen(hub).getSpace("parent")).isInstanceOf(SpaceNotFoundException.class);
    assertThat(dataAndIndexFiles(hubs, hub, "parent")).isEqualTo(filesAtV2);
    assertContents(hubs.reopen(hub).getSpace("child"), child.model, "fork after the parent's drop");

    hubs.clock().advance(Duration.ofMillis(20));
    hub.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(dataAndIndexFiles(hubs, hub, "parent")).isEqualTo(filesAtV2);
    assertThat(dataAndIndexFiles(hubs, hub, "child")).isEqualTo(childOwn);
    Space childFresh = hubs.reopen(hub).getSpace("child");
    assertContents(childFresh, child.model, "fork after drop + hub vacuum");
    assertNearest(childFresh, child.model, random, "fork kNN after drop + hub vacuum");

    // once the fork is dropped too, a hub vacuum removes the leftovers
    hub.dropSpace("child");
    hubs.clock().advance(Duration.ofMillis(20));
    hub.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(hub.listSpaces()).isEmpty();
    assertThat(hubs.listFiles(hub, "parent")).isEmpty();
    assertThat(hubs.listFiles(hub, "child")).isEmpty();
  }

  @Tag("slow") // forks and drops
  @Test
  void aForkOfAForkSurvivesTheDropOfBothAncestors() {
    Random random = new Random(25);
    EmbeddingHub hub = newHub();
    TrackedSpace a = new TrackedSpace(hub.createSpace(SpaceSpec.builder("a", DIMS).buckets(2).build()));
    a.multiset(batch(random, DIMS, "k", 0, 40));
    TrackedSpace b = new TrackedSpace(a.space.fork("b"), a.model);
    b.set("k000", vector(random, DIMS));
    b.set("bb", vector(random, DIMS));
    TrackedSpace c = new TrackedSpace(b.space.fork("c"), b.model);
    c.delete("k001");
    c.set("cc", vector(random, DIMS));
    // everything written so far is referenced by c's latest version (deletes only mark rows)
    Set<String> referencedByC = union(
        dataAndIndexFiles(hubs, hub, "a"), dataAndIndexFiles(hubs, hub, "b"), dataAndIndexFiles(hubs, hub, "c"));
    // files written by the ancestors after the forks: only the ancestors' own versions use them
    a.set("k002", vector(random, DIMS));
    b.set("k003", vector(random, DIMS));
    a.deleteAll();
    b.deleteAll();

    hubs.clock().advance(Duration.ofMillis(20));
    hub.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertContents(hubs.reopen(hub).getSpace("c"), c.model, "fork of a fork after both ancestors cleared it");
    assertThat(union(dataAndIndexFiles(hubs, hub, "a"), dataAndIndexFiles(hubs, hub, "b"), dataAndIndexFiles(hubs, hub, "c")))
        .as("files left after a hub vacuum").isEqualTo(referencedByC);

    hub.dropSpace("a");
    hub.dropSpace("b");
    hubs.clock().advance(Duration.ofMillis(20));
    hub.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(hub.listSpaces()).containsExactly("c");
    assertThat(union(dataAndIndexFiles(hubs, hub, "a"), dataAndIndexFiles(hubs, hub, "b"), dataAndIndexFiles(hubs, hub, "c")))
        .as("files left after dropping both ancestors").isEqualTo(referencedByC);
    Space fresh = hubs.reopen(hub).getSpace("c");
    assertContents(fresh, c.model, "fork of a fork after both ancestors were dropped");
    assertNearest(fresh, c.model, random, "fork of a fork kNN");

    hub.dropSpace("c");
    hubs.clock().advance(Duration.ofMillis(20));
    hub.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    for (String s : List.of("a", "b", "c")) {
      assertThat(hubs.listFiles(hub, s)).as("files left under %s", s).isEmpty();
    }
  }

  @Tag("slow") // several spaces
  @Test
  void vacuumNeverTouchesOtherSpacesFiles() {
    Random random = new Random(26);
    EmbeddingHub hub = newHub();
    TrackedSpace s = new TrackedSpace(hub.createSpace(SpaceSpec.builder("s", DIMS).buckets(2).build()));
    TrackedSpace other = new TrackedSpace(hub.createSpace(SpaceSpec.builder("s-2", DIMS).buckets(2).build()));
    for (TrackedSpace t : List.of(s, other)) {
      t.multiset(batch(random, DIMS, "k", 0, 40));
      t.set("k001", vector(random, DIMS));
      t.deleteAll();
      t.multiset(batch(random, DIMS, "k", 0, 20));
      t.optimize();
    }
    // a fork of s that stops referencing s's files
    TrackedSpace fork = new TrackedSpace(s.space.fork("s-fork"), s.model);
    fork.deleteAll();
    fork.set("f", vector(random, DIMS));

    List<String> otherBefore = hubs.listFiles(hub, "s-2");
    List<String> sBefore = hubs.listFiles(hub, "s");
    hubs.clock().advance(Duration.ofMillis(20));
    assertThat(s.space.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck()).filesDeleted()).isPositive();
    assertThat(hubs.listFiles(hub, "s-2")).as("another space's files").isEqualTo(otherBefore);
    Space otherFresh = hubs.reopen(hub).getSpace("s-2");
    for (long v = 0; v <= other.version(); v++) {
      assertContents(otherFresh.snapshot(v), other.at(v), "s-2@" + v + " after vacuum of s");
    }

    // a fork's vacuum never deletes its parent's files, even ones it no longer references
    List<String> sAfterOwnVacuum = hubs.listFiles(hub, "s");
    assertThat(sAfterOwnVacuum).isNotEqualTo(sBefore);
    hubs.clock().advance(Duration.ofMillis(20));
    fork.space.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(hubs.listFiles(hub, "s")).isEqualTo(sAfterOwnVacuum);
    assertThat(hubs.listFiles(hub, "s-2")).isEqualTo(otherBefore);
    assertContents(hubs.reopen(hub).getSpace("s"), s.model, "s after its fork's vacuum");
    assertContents(hubs.reopen(hub).getSpace("s-fork"), fork.model, "fork after its vacuum");
  }

  private static long version(String logFile) {
    String name = logFile.substring(logFile.lastIndexOf('/') + 1);
    return Long.parseLong(name.substring(0, 20));
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.removeAll(b);
    return out;
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    Set<String> out = new HashSet<>();
    for (Set<String> s : sets) {
      out.addAll(s);
    }
    return out;
  }
}

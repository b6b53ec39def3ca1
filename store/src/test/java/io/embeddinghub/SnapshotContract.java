package io.embeddinghub;

import static io.embeddinghub.Oracles.assertContents;
import static io.embeddinghub.Oracles.assertNearest;
import static io.embeddinghub.Oracles.assertSameEntries;
import static io.embeddinghub.Oracles.batch;
import static io.embeddinghub.Oracles.contents;
import static io.embeddinghub.Oracles.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.embeddinghub.testing.TestHubs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Snapshot interface against HashMap models: pinned and re-opened snapshots, time travel by
 * instant, forks (independence both ways, forks of old versions and of forks, shared files),
 * downloads into a {@link LocalSpace} and back, and the history rows.
 */
abstract class SnapshotContract {
  private static final int DIMS = 4;

  private final TestHubs hubs;

  SnapshotContract(TestHubs hubs) {
    this.hubs = hubs;
  }

  @Test
  void snapshotsKeepTheirContentsAcrossLaterWritesDeletesDeleteAllAndOptimize() {
    Random random = new Random(11);
    EmbeddingHub hub = hubs.newHub();
    TrackedSpace t = new TrackedSpace(hub.createSpace(SpaceSpec.builder("s", DIMS).buckets(4).build()));
    t.multiset(batch(random, DIMS, "k", 0, 40));
    t.set("k005", vector(random, DIMS));
    t.multidelete(List.of("k010", "k011", "k012", "k013", "k014"));
    long pinnedVersion = t.version();

    // snapshots taken before the later changes
    SpaceSnapshot pinned = t.space.snapshot(pinnedVersion);
    SpaceSnapshot pinnedLatest = t.space.snapshot();
    SpaceSnapshot pinnedFirst = t.space.snapshot(1);
    assertThat(pinned.version()).isEqualTo(pinnedVersion);
    assertThat(pinnedLatest.version()).isEqualTo(pinnedVersion);
    assertContents(pinned, t.at(pinnedVersion), "pinned snapshot before later writes");

    // a returned vector is a copy
    float[] got = pinned.get("k005");
    got[0] = 12345f;
    assertThat(pinned.get("k005")).containsExactly(t.at(pinnedVersion).get("k005"));

    t.multiset(batch(random, DIMS, "k", 0, 20)); // overwrites, and re-adds deleted keys
    t.multiset(batch(random, DIMS, "k", 40, 10));
    t.delete("k020");
    t.deleteAll();
    t.multiset(batch(random, DIMS, "n", 100, 30));
    t.set("n100", vector(random, DIMS));
    t.multidelete(List.of("n101", "n102"));
    OptimizeResult optimized = t.optimize();
    assertThat(optimized.filesRemoved()).as("optimize had something to merge").isPositive();
    assertThat(optimized.version()).isEqualTo(t.version());
    t.set("n200", vector(random, DIMS));

    assertContents(pinned, t.at(pinnedVersion), "pinned snapshot after later writes, deleteAll, optimize");
    assertContents(pinnedLatest, t.at(pinnedVersion), "pinned snapshot() after later writes");
    assertContents(pinnedFirst, t.at(1), "pinned version 1 after later writes");
    assertNearest(pinned, t.at(pinnedVersion), random, "pinned snapshot kNN");

    // every version opened again now, on this hub instance and on a fresh one
    EmbeddingHub other = hubs.reopen(hub);
    Space fresh = other.getSpace("s");
    for (long v = 0; v <= t.version(); v++) {
      SpaceSnapshot again = t.space.snapshot(v);
      assertThat(again.version()).isEqualTo(v);
      assertContents(again, t.at(v), "snapshot(" + v + ") re-opened");
      assertContents(fresh.snapshot(v), t.at(v), "snapshot(" + v + ") on a fresh hub");
    }
    assertContents(t.space, t.model, "latest");
    assertNearest(fresh.snapshot(pinnedVersion), t.at(pinnedVersion), random, "re-opened snapshot kNN");

    long latest = t.version();
    assertThatThrownBy(() -> t.space.snapshot(latest + 1))
        .isInstanceOf(VersionNotFoundException.class)
        .hasMessageContaining(String.valueOf(latest + 1));
    assertThatThrownBy(() -> t.space.snapshot(-1)).isInstanceOf(VersionNotFoundException.class);
  }

  @Test
  void asOfPicksTheLastVersionCommittedAtOrBeforeTheInstant() {
    Random random = new Random(12);
    EmbeddingHub hub = hubs.newHub();
    TrackedSpace t = new TrackedSpace(hub.createSpace(SpaceSpec.builder("t", DIMS).buckets(2).build()));
    hubs.clock().advance(Duration.ofMillis(3));
    t.multiset(batch(random, DIMS, "k", 0, 10));
    hubs.clock().advance(Duration.ofMillis(3));
    t.set("k001", vector(random, DIMS));
    hubs.clock().advance(Duration.ofMillis(3));
    t.delete("k002");
    hubs.clock().advance(Duration.ofMillis(3));
    t.deleteAll();
    hubs.clock().advance(Duration.ofMillis(3));
    t.multiset(batch(random, DIMS, "k", 5, 10));
    hubs.clock().advance(Duration.ofMillis(3));
    t.set("k099", vector(random, DIMS));

    List<VersionInfo> history = t.space.history();
    assertThat(history).extracting(VersionInfo::version)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(0, t.version()).boxed().toList());
    Space fresh = hubs.reopen(hub).getSpace("t");
    for (Space space : List.of(t.space, fresh)) {
      for (int i = 0; i < history.size(); i++) {
        Instant ts = history.get(i).timestamp();
        SpaceSnapshot exactly = space.asOf(ts);
        assertThat(exactly.version()).as("asOf(timestamp of %d)", i).isEqualTo(i);
        assertThat(exactly.timestamp()).isEqualTo(ts);
        assertContents(exactly, t.at(i), "asOf(timestamp of " + i + ")");
        if (i + 1 < history.size()) {
          Instant justBeforeNext = history.get(i + 1).timestamp().minusMillis(1);
          assertThat(justBeforeNext).isAfterOrEqualTo(ts); // timestamps strictly increase
          assertThat(space.asOf(justBeforeNext).version()).as("asOf(just before %d)", i + 1).isEqualTo(i);
          Instant between = ts.plusMillis((history.get(i + 1).timestamp().toEpochMilli() - ts.toEpochMilli()) / 2);
          assertThat(space.asOf(between).version()).as("asOf(between %d and %d)", i, i + 1).isEqualTo(i);
        }
      }
      assertThat(space.asOf(history.get(history.size() - 1).timestamp().plusSeconds(3600)).version())
          .isEqualTo(t.version());
      Instant beforeAll = history.get(0).timestamp().minusMillis(1);
      assertThatThrownBy(() -> space.asOf(beforeAll)).isInstanceOf(VersionNotFoundException.class);
    }
  }

  @Tag("slow") // several forks written in turn
  @Test
  void forksAreIndependentOfTheirParentAndOfEachOther() {
    Random random = new Random(13);
    EmbeddingHub hub = hubs.newHub();
    TrackedSpace parent = new TrackedSpace(hub.createSpace(SpaceSpec.builder("parent", DIMS).buckets(3).build()));
    parent.multiset(batch(random, DIMS, "k", 0, 30));
    parent.set("k001", vector(random, DIMS));
    parent.delete("k002");
    Set<String> parentFilesAtFork = Oracles.dataAndIndexFiles(hubs, hub, "parent");

    TrackedSpace child = new TrackedSpace(parent.space.fork("child"), parent.model);
    TrackedSpace old = new TrackedSpace(parent.space.fork("old", 1), parent.at(1));
    assertContents(child.space, parent.model, "fork at the latest version");
    assertContents(old.space, parent.at(1), "fork of version 1");
    assertThat(child.space.spec().dimensions()).isEqualTo(DIMS);
    assertThat(child.space.spec().buckets()).isEqualTo(3);
    assertThat(child.space.history()).singleElement().satisfies(v -> {
      assertThat(v.operation()).isEqualTo("fork");
      assertThat(v.size()).isEqualTo(parent.model.size());
    });
    // a fork shares the parent's files: it writes none of its own until it is written to
    assertThat(Oracles.dataAndIndexFiles(hubs, hub, "child")).isEmpty();
    assertThat(Oracles.dataAndIndexFiles(hubs, hub, "old")).isEmpty();
    assertThat(Oracles.dataAndIndexFiles(hubs, hub, "parent")).isEqualTo(parentFilesAtFork);

    // writes to the fork are invisible in the parent (including deletes of rows in shared files)
    child.set("k001", vector(random, DIMS));
    child.delete("k003");
    child.multiset(batch(random, DIMS, "c", 0, 12));
    child.multidelete(List.of("k000", "k004", "c005"));
    assertContents(parent.space, parent.model, "parent after fork writes");
    assertThat(parent.space.version()).isEqualTo(parent.version());
    assertThat(Oracles.dataAndIndexFiles(hubs, hub, "parent")).as("fork writes only under its own directory").isEqualTo(parentFilesAtFork);
    assertThat(Oracles.dataAndIndexFiles(hubs, hub, "child")).isNotEmpty().allMatch(f -> f.startsWith("child/"));

    // writes to the parent are invisible in the forks
    parent.set("k003", vector(random, DIMS));
    parent.multidelete(List.of("k005", "k006"));
    parent.deleteAll();
    parent.multiset(batch(random, DIMS, "p", 0, 8));
    assertContents(child.space, child.model, "fork after parent writes");
    assertContents(old.space, parent.at(1), "old fork after parent writes");

    // a fork of a fork, and a fork of a fork's version 0
    TrackedSpace grand = new TrackedSpace(child.space.fork("grand"), child.model);
    TrackedSpace grandOld = new TrackedSpace(child.space.fork("grand-old", 0), child.at(0));
    assertThat(Oracles.dataAndIndexFiles(hubs, hub, "grand")).isEmpty();
    grand.set("c000", vector(random, DIMS));
    grand.delete("k007");
    grand.set("g", vector(random, DIMS));
    assertContents(child.space, child.model, "fork after its fork's writes");
    child.set("k008", vector(random, DIMS));
    child.optimize();
    assertContents(grand.space, grand.model, "fork of a fork after its parent optimized");
    assertContents(grandOld.space, grandOld.model, "fork of a fork's version 0");
    assertContents(parent.space, parent.model, "root after grandchild writes and child optimize");

    // everything again from a fresh hub instance, plus every version of every space
    EmbeddingHub other = hubs.reopen(hub);
    for (TrackedSpace s : List.of(parent, child, old, grand, grandOld)) {
      Space reopened = other.getSpace(s.space.name());
      assertContents(reopened, s.model, s.space.name() + " reopened");
      assertNearest(reopened, s.model, random, s.space.name() + " reopened kNN");
      for (long v = 0; v <= s.version(); v++) {
        assertContents(reopened.snapshot(v), s.at(v), s.space.name() + "@" + v);
      }
    }
    assertThat(other.listSpaces()).containsExactly("child", "grand", "grand-old", "old", "parent");
    assertThatThrownBy(() -> parent.space.fork("child")).isInstanceOf(SpaceAlreadyExistsException.class);
    assertContents(other.getSpace("child"), child.model, "child after a refused fork onto its name");
  }

  @Test
  void downloadSnapshotEqualsTheSpaceAndItsWritesStayLocal() {
    Random random = new Random(14);
    EmbeddingHub hub = hubs.newHub();
    TrackedSpace t = new TrackedSpace(hub.createSpace(SpaceSpec.builder("d", DIMS).buckets(4).build()));
    t.multiset(batch(random, DIMS, "k", 0, 100));
    t.multiset(batch(random, DIMS, "k", 90, 15)); // overwrites 10, adds 5
    t.multidelete(List.of("k000", "k001", "k002", "k050", "k104"));
    t.set("k003", vector(random, DIMS));

    LocalSpace local = t.space.downloadSnapshot();
    assertThat(local.size()).isEqualTo(t.space.size());
    assertThat(local.dimensions()).isEqualTo(DIMS);
    assertThat(local.metric()).isEqualTo(t.space.metric());
    assertSameEntries(contents(local, "download"), contents(t.space, "space"), "download vs space");
    assertContents(local, t.model, "download vs model");
    // under 128 rows both answer exactly, so even default (approximate) searches must agree
    for (int i = 0; i < 5; i++) {
      float[] q = vector(random, DIMS);
      assertThat(local.nearestNeighbors(10, q, SearchOptions.exactSearch()))
          .isEqualTo(t.space.nearestNeighbors(10, q, SearchOptions.exactSearch()));
      assertThat(local.nearestNeighbors(10, q)).isEqualTo(t.space.nearestNeighbors(10, q));
    }
    for (String key : List.of("k004", "k099", "k103")) {
      assertThat(local.nearestNeighbors(7, key)).isEqualTo(t.space.nearestNeighbors(7, key));
    }
    assertNearest(local, t.model, random, "download kNN");
    assertContents(t.space.snapshot(1).download(), t.at(1), "download of version 1");

    // writes to the LocalSpace touch nothing stored
    List<String> rawBefore = hubs.listFiles(hub, "");
    long versionBefore = t.space.version();
    Map<String, float[]> localModel = new HashMap<>(t.model);
    float[] v1 = vector(random, DIMS);
    local.set("k004", v1);
    localModel.put("k004", v1);
    local.set("local-only", v1);
    localModel.put("local-only", v1);
    assertThat(local.delete("k005")).isTrue();
    localModel.remove("k005");
    Map<String, float[]> more = batch(random, DIMS, "L", 0, 5);
    local.multiset(more);
    localModel.putAll(more);
    assertThat(local.multidelete(List.of("k006", "k006", "absent"))).isEqualTo(1);
    localModel.remove("k006");
    assertContents(local, localModel, "local after its writes");
    assertThat(t.space.version()).isEqualTo(versionBefore);
    assertContents(t.space, t.model, "space after local writes");
    assertContents(hubs.reopen(hub).getSpace("d"), t.model, "space (fresh hub) after local writes");
    local.deleteAll();
    assertThat(local.size()).isZero();
    assertContents(t.space, t.model, "space after local deleteAll");
    assertThat(hubs.listFiles(hub, "")).as("raw files after local writes").isEqualTo(rawBefore);
  }

  @Test
  void localSpaceWriteToRoundTripsAndGetSpaceCanDownload() {
    Random random = new Random(15);
    EmbeddingHub hub = hubs.newHub();
    TrackedSpace src = new TrackedSpace(
        hub.createSpace(SpaceSpec.builder("src", DIMS).metric(Metric.COSINE).buckets(3).build()));
    src.multiset(batch(random, DIMS, "k", 0, 150));
    src.delete("k010");

    EmbeddingSpace downloaded = hub.getSpace("src", true);
    assertThat(downloaded).isInstanceOf(LocalSpace.class);
    assertThat(hub.getSpace("src", false)).isInstanceOf(Space.class);
    LocalSpace local = (LocalSpace) downloaded;
    assertContents(local, src.model, "getSpace(src, true)");

    Map<String, float[]> localModel = new HashMap<>(src.model);
    float[] v = vector(random, DIMS);
    local.set("k000", v);
    localModel.put("k000", v);
    local.set("new", v);
    localModel.put("new", v);
    local.delete("k001");
    localModel.remove("k001");

    Space copy = local.writeTo(hub, "copy");
    assertThat(copy.name()).isEqualTo("copy");
    assertThat(copy.spec().dimensions()).isEqualTo(DIMS);
    assertThat(copy.spec().metric()).isEqualTo(Metric.COSINE);
    assertThat(copy.spec().buckets()).isEqualTo(3);
    assertContents(copy, localModel, "writeTo copy");
    assertSameEntries(contents(copy, "copy"), contents(local, "local"), "copy vs local");
    Space copyFresh = hubs.reopen(hub).getSpace("copy");
    assertContents(copyFresh, localModel, "writeTo copy on a fresh hub");
    assertThat(copyFresh.history().get(copyFresh.history().size() - 1).size()).isEqualTo(localModel.size());
    for (int i = 0; i < 3; i++) {
      float[] q = vector(random, DIMS);
      List<Neighbor> fromCopy = copyFresh.nearestNeighbors(10, q, SearchOptions.exactSearch());
      List<Neighbor> fromLocal = local.nearestNeighbors(10, q, SearchOptions.exactSearch());
      assertThat(Oracles.keysOf(fromCopy)).isEqualTo(Oracles.keysOf(fromLocal));
      for (int j = 0; j < fromCopy.size(); j++) {
        assertThat(fromCopy.get(j).distance()).isCloseTo(fromLocal.get(j).distance(), within(1e-6f));
      }
    }
    assertNearest(copyFresh, localModel, random, "copy kNN");
    EmbeddingSpace copyDownloaded = hub.getSpace("copy", true);
    assertThat(copyDownloaded).isInstanceOf(LocalSpace.class);
    assertContents(copyDownloaded, localModel, "getSpace(copy, true)");
    assertContents(src.space, src.model, "source untouched by writeTo");

    assertThatThrownBy(() -> local.writeTo(hub, "copy")).isInstanceOf(SpaceAlreadyExistsException.class);
    assertContents(hubs.reopen(hub).getSpace("copy"), localModel, "copy after a refused second writeTo");

    // a LocalSpace built from scratch, and an empty one
    LocalSpace scratch = new LocalSpace(SpaceSpec.builder("scratch", 2).metric(Metric.INNER_PRODUCT).build());
    Map<String, float[]> scratchModel = Map.of("a", new float[] {1, 2}, "b", new float[] {-1, 0.5f});
    scratch.multiset(scratchModel);
    Space scratchCopy = scratch.writeTo(hub, "scratch-copy");
    assertThat(scratchCopy.metric()).isEqualTo(Metric.INNER_PRODUCT);
    assertContents(hubs.reopen(hub).getSpace("scratch-copy"), scratchModel, "scratch writeTo");
    Space emptyCopy = new LocalSpace(SpaceSpec.builder("e", 2).build()).writeTo(hub, "empty-copy");
    assertContents(hubs.reopen(hub).getSpace("empty-copy"), Map.of(), "empty writeTo");
    assertThat(emptyCopy.hub().listSpaces()).containsExactly("copy", "empty-copy", "scratch-copy", "src");
  }

  @Test
  void historyRowsFollowTheModel() {
    Random random = new Random(16);
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("h", 2).buckets(2).build());
    Map<String, float[]> model = new HashMap<>();
    List<Expected> expected = new ArrayList<>();
    expected.add(new Expected("create", 0, 0, 0));

    write(space, model, expected, "set", Map.of("a", vector(random, 2)), s -> s.set("a", model.get("a")));
    write(space, model, expected, "set", Map.of("a", vector(random, 2)), s -> s.set("a", model.get("a")));
    Map<String, float[]> abc = Map.of("a", vector(random, 2), "b", vector(random, 2), "c", vector(random, 2));
    write(space, model, expected, "multiset", abc, s -> s.multiset(abc));
    // a bulk load where keys repeat: the last value wins, and it counts once
    float[] d1 = vector(random, 2);
    float[] d2 = vector(random, 2);
    float[] e = vector(random, 2);
    float[] b = vector(random, 2);
    Map<String, float[]> bulk = Map.of("d", d2, "e", e, "b", b);
    write(space, model, expected, "multiset", bulk,
        s -> s.multiset(Stream.of(Map.entry("d", d1), Map.entry("e", e), Map.entry("d", d2), Map.entry("b", b))));
    Map<String, float[]> many = Oracles.batch(random, 2, "m", 0, 20);
    write(space, model, expected, "multiset", many, s -> s.multiset(many));

    deleteRow(space, model, expected, "delete", List.of("c"), s -> assertThat(s.delete("c")).isTrue());
    long before = space.version();
    assertThat(space.delete("zz")).isFalse();
    assertThat(space.version()).as("deleting an absent key makes no version").isEqualTo(before);
    deleteRow(space, model, expected, null, List.of("a", "a", "zz", "d", "m003"),
        s -> assertThat(s.multidelete(List.of("a", "a", "zz", "d", "m003"))).isEqualTo(3));

    OptimizeResult optimized = space.optimize();
    assertThat(optimized.version()).isEqualTo(before + 2);
    assertThat(optimized.rowsRewritten()).isPositive().isLessThanOrEqualTo(model.size());
    expected.add(new Expected("optimize", optimized.rowsRewritten(), optimized.rowsRewritten(), model.size()));

    long sizeBefore = model.size();
    space.deleteAll();
    model.clear();
    expected.add(new Expected("deleteAll", 0, sizeBefore, 0));
    write(space, model, expected, "set", Map.of("z", vector(random, 2)), s -> s.set("z", model.get("z")));

    for (Space s : List.of(space, hubs.reopen(hub).getSpace("h"))) {
      List<VersionInfo> history = s.history();
      assertThat(history).hasSize(expected.size());
      for (int v = 0; v < history.size(); v++) {
        VersionInfo row = history.get(v);
        Expected exp = expected.get(v);
        assertThat(row.version()).isEqualTo(v);
        if (exp.operation() != null) {
          assertThat(row.operation()).as("operation of version %d", v).isEqualTo(exp.operation());
        } else {
          assertThat(row.operation()).as("operation of version %d (multidelete)", v).isIn("delete", "multidelete");
        }
        assertThat(row.rowsAdded()).as("rowsAdded of version %d (%s)", v, row.operation()).isEqualTo(exp.rowsAdded());
        assertThat(row.rowsDeleted()).as("rowsDeleted of version %d (%s)", v, row.operation()).isEqualTo(exp.rowsDeleted());
        assertThat(row.size()).as("size of version %d (%s)", v, row.operation()).isEqualTo(exp.size());
        assertThat(s.snapshot(v).size()).isEqualTo(exp.size());
        if (v > 0) {
          assertThat(row.timestamp()).isAfter(history.get(v - 1).timestamp());
        }
      }
    }
    Space fork = space.fork("h-fork", 3);
    assertThat(fork.history()).singleElement().satisfies(row -> {
      assertThat(row.operation()).isEqualTo("fork");
      assertThat(row.size()).isEqualTo(expected.get(3).size());
    });
  }

  private record Expected(String operation, long rowsAdded, long rowsDeleted, long size) {}

  /** A write of {@code rows} (distinct keys): adds them all, deletes the live rows they replace. */
  private static void write(
      Space space, Map<String, float[]> model, List<Expected> expected, String operation,
      Map<String, float[]> rows, java.util.function.Consumer<Space> op) {
    long replaced = rows.keySet().stream().filter(model::containsKey).count();
    model.putAll(rows);
    op.accept(space);
    expected.add(new Expected(operation, rows.size(), replaced, model.size()));
    assertThat(space.version()).isEqualTo(expected.size() - 1);
  }

  private static void deleteRow(
      Space space, Map<String, float[]> model, List<Expected> expected, String operation,
      List<String> keys, java.util.function.Consumer<Space> op) {
    long present = keys.stream().distinct().filter(model::containsKey).count();
    keys.forEach(model::remove);
    op.accept(space);
    expected.add(new Expected(operation, 0, present, model.size()));
    assertThat(space.version()).isEqualTo(expected.size() - 1);
  }
}

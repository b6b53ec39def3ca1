package io.embeddinghub.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Metric;
import io.embeddinghub.Neighbor;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSnapshot;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.VersionInfo;
import io.embeddinghub.testing.BruteForceKnn;
import io.embeddinghub.testing.ChildJvm;
import io.embeddinghub.testing.SoakWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process kills (issue #11): a writer JVM ({@link KillWriter}) runs a seeded random mix of set,
 * multiset, bulk load (several files per bucket), delete, multidelete, optimize, buildIndex and
 * vacuum on one space, logging an intent before and an acknowledgement after each call; it is
 * SIGKILLed at a random moment, again and again on the same space. After each kill a fresh hub
 * must find: every acknowledged write with exactly its value and every acknowledged delete absent,
 * nothing else; the operation in flight applied completely or not at all (never partly); contiguous
 * versions, the oldest listed version readable; point reads and exact and approximate kNN agreeing
 * with brute force over the model; and the next writer making progress.
 *
 * <p>{@code -Dreliability.kills=N} (default 20), {@code -Dreliability.seed=S},
 * {@code -Dreliability.maxDelayMs=M} (default 1500: the kill comes 0..M ms after the writer has
 * opened the space and acknowledged 0..6 operations, both seeded; a writer that makes no progress
 * in two minutes fails the suite). Long run: {@code mvn -o -pl store test -Dtest=KillSuiteTest -Dreliability.kills=150}.
 */
@Tag("slow")
class KillSuiteTest {
  /** Where the hub lives; subclasses move it to another store. */
  String hubUri(Path dir) {
    return dir.resolve("hub").toUri().toString();
  }

  /** Kills at CI size. */
  int defaultKills() {
    return 20;
  }

  /** Settings the writers and the checks open the hub with. */
  java.util.Map<String, String> storeSettings() {
    return java.util.Map.of();
  }

  private org.apache.hadoop.conf.Configuration conf() {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    storeSettings().forEach(conf::set);
    return conf;
  }

  private static final int K = 10;
  /** The kill comes after 0..this many acknowledgements of the new writer, then 0..maxDelayMs. */
  private static final int MAX_ACKS_BEFORE_KILL = 6;
  private static final int PROGRESS_TIMEOUT_S = 120;

  private final int kills = Integer.getInteger("reliability.kills", defaultKills());
  private final long seed = Long.getLong("reliability.seed", 20261204L);
  private final int maxDelayMs = Integer.getInteger("reliability.maxDelayMs", 1500);

  private long acknowledged;
  private long inFlightApplied;
  private long inFlightNotApplied;
  private long inFlightNoData;
  private long approxQueries;
  private long approxHits;

  @Test
  void sigkilledWritersLoseNoAcknowledgedOperationAndLeaveNoPartialOne(@TempDir Path dir) throws Exception {
    long started = System.nanoTime();
    String hubUri = hubUri(dir);
    EmbeddingHub.open(hubUri, conf()).createSpace(SpaceSpec.builder(KillOps.SPACE, KillOps.DIMS)
        .buckets(KillOps.BUCKETS).targetFileRows(KillOps.TARGET_FILE_ROWS).build());
    Map<String, float[]> model = new HashMap<>();
    Random timing = new Random(seed);
    long nextId = 0;
    long lastVersion = 0;
    Map<KillOps.Type, Integer> killedDuring = new java.util.TreeMap<>();
    for (int kill = 0; kill < kills; kill++) {
      Path ack = dir.resolve("ack-" + kill + ".txt");
      Path out = dir.resolve("writer-" + kill + ".log");
      Process writer = ChildJvm.start("-Xmx256m", KillWriter.class, out,
          hubUri, ack.toString(), Long.toString(seed), Long.toString(nextId),
          SoakWriter.encodeSettings(storeSettings()));
      int waitForAcks = timing.nextInt(MAX_ACKS_BEFORE_KILL + 1);
      awaitAcks(writer, ack, out, waitForAcks, kill);
      int delay = timing.nextInt(maxDelayMs + 1);
      Thread.sleep(delay);
      if (!writer.isAlive()) {
        fail("writer %d exited by itself (code %d) before its kill; output:%n%s",
            kill, writer.exitValue(), ChildJvm.tail(out, 8000));
      }
      writer.destroyForcibly();
      assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();

      Log log = Log.read(ack);
      for (long id : log.acked) {
        apply(model, KillOps.op(seed, id));
        acknowledged++;
      }
      KillOps.Op inFlight = log.inFlight == null ? null : KillOps.op(seed, log.inFlight);
      if (inFlight != null) {
        killedDuring.merge(inFlight.type(), 1, Integer::sum);
      }
      String context = "kill " + kill + " (" + delay + " ms after ack " + waitForAcks + ", " + log.acked.size()
          + " ops acknowledged, in flight: " + (inFlight == null ? "none" : inFlight.describe()) + ")";
      lastVersion = check(hubUri, model, inFlight, lastVersion, context);
      nextId = log.lastId == null ? nextId : log.lastId + 1;
    }

    // the next writer starts and commits fine, on the space every kill left behind
    Space space = EmbeddingHub.open(hubUri, conf()).getSpace(KillOps.SPACE);
    float[] v = KillOps.value(seed, nextId, 0);
    space.set("after-kills", v);
    space.optimize();
    model.put("after-kills", v);
    check(hubUri, model, null, lastVersion, "after the last kill");

    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "KILLS kills=%d acknowledged_ops=%d lost=0 partial=0 in_flight_applied=%d in_flight_not_applied=%d"
            + " in_flight_without_data=%d killed_during=%s live_keys=%d versions=%d"
            + " approx_recall@%d=%.4f seconds=%.1f seed=%d%n",
        kills, acknowledged, inFlightApplied, inFlightNotApplied, inFlightNoData, killedDuring,
        model.size(), lastVersion, K, approxQueries == 0 ? 1.0 : (double) approxHits / approxQueries,
        seconds, seed);
    assertThat(acknowledged).isPositive();
  }

  /** Checks the space against the model; returns the version found. Applies {@code inFlight} to the model if it landed. */
  private long check(String hubUri, Map<String, float[]> model, KillOps.Op inFlight, long lastVersion, String context) {
    Space space = EmbeddingHub.open(hubUri, conf()).getSpace(KillOps.SPACE); // fresh hub: no shared caches
    SpaceSnapshot snap = space.snapshot();
    Map<String, float[]> actual = new HashMap<>();
    for (Iterator<Map.Entry<String, float[]>> it = snap.entries(); it.hasNext(); ) {
      Map.Entry<String, float[]> e = it.next();
      assertThat(actual.put(e.getKey(), e.getValue())).as("%s: key %s listed twice", context, e.getKey()).isNull();
    }
    if (inFlight != null && inFlight.changesData()) {
      Map<String, float[]> with = new HashMap<>(model);
      apply(with, inFlight);
      boolean none = same(actual, model);
      boolean all = same(actual, with);
      if (!none && !all) {
        fail("%s: the space matches neither the acknowledged operations nor them plus the one in flight."
                + "%n vs acknowledged: %s%n vs acknowledged + in flight: %s",
            context, diff(model, actual), diff(with, actual));
      }
      if (all && !none) {
        model.clear();
        model.putAll(with);
        inFlightApplied++;
      } else {
        inFlightNotApplied++;
      }
    } else {
      if (inFlight != null) {
        inFlightNoData++;
      }
      if (!same(actual, model)) {
        fail("%s: the space differs from the acknowledged operations: %s", context, diff(model, actual));
      }
    }
    assertThat(snap.size()).as("%s: size", context).isEqualTo(model.size());

    // history: contiguous versions ending at the latest, never going back; the oldest one readable
    List<VersionInfo> history = space.history();
    assertThat(history).as("%s: history", context).isNotEmpty();
    for (int i = 1; i < history.size(); i++) {
      assertThat(history.get(i).version()).as("%s: version after %s", context, history.get(i - 1).version())
          .isEqualTo(history.get(i - 1).version() + 1);
    }
    long latest = history.get(history.size() - 1).version();
    assertThat(latest).as("%s: latest version", context).isEqualTo(snap.version()).isGreaterThanOrEqualTo(lastVersion);
    assertThat(history.get(history.size() - 1).size()).as("%s: size the log records", context).isEqualTo(model.size());
    long oldest = history.get(0).version();
    assertThat(space.snapshot(oldest).version()).as("%s: oldest listed version %d readable", context, oldest).isEqualTo(oldest);
    space.snapshot(oldest).size();

    // point reads: present keys, absent keys
    Random r = new Random(seed ^ latest);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      keys.add(KillOps.key(r.nextInt(KillOps.KEY_UNIVERSE)));
    }
    Map<String, float[]> found = space.findAll(keys);
    for (String key : keys) {
      float[] expected = model.get(key);
      if (expected == null) {
        assertThat(found).as("%s: deleted or never written %s", context, key).doesNotContainKey(key);
      } else {
        assertThat(found.get(key)).as("%s: %s", context, key).containsExactly(expected);
      }
    }

    // nearest neighbors: exact search is brute force; approximate search answers live rows with true distances
    for (int q = 0; q < 4; q++) {
      float[] query = KillOps.value(seed, -1 - latest, q);
      List<String> expected = BruteForceKnn.nearestKeys(Metric.L2, model, query, K, null);
      List<Neighbor> exact = space.nearestNeighbors(K, query, SearchOptions.exactSearch());
      assertThat(keys(exact)).as("%s: exact kNN", context).containsExactlyElementsOf(expected);
      List<Neighbor> approx = space.nearestNeighbors(K, query);
      assertThat(approx).as("%s: approximate kNN size", context).hasSize(expected.size());
      assertThat(approx).as("%s: approximate kNN order", context).isSortedAccordingTo(Comparator.comparingDouble(Neighbor::distance));
      for (Neighbor n : approx) {
        assertThat(model).as("%s: kNN answered %s", context, n.key()).containsKey(n.key());
        assertThat((double) n.distance()).as("%s: distance of %s", context, n.key())
            .isCloseTo(BruteForceKnn.distance(Metric.L2, query, model.get(n.key())), org.assertj.core.data.Offset.offset(1e-4));
      }
      approxQueries += expected.size();
      approxHits += keys(approx).stream().filter(expected::contains).count();
    }
    if (!model.isEmpty()) {
      String byKey = new TreeSet<>(model.keySet()).first();
      List<String> expected = BruteForceKnn.nearestKeys(Metric.L2, model, model.get(byKey), K, byKey);
      assertThat(keys(space.nearestNeighbors(K, byKey, SearchOptions.exactSearch())))
          .as("%s: exact kNN by key", context).containsExactlyElementsOf(expected);
    }
    return latest;
  }

  private static void apply(Map<String, float[]> model, KillOps.Op op) {
    model.putAll(op.writes());
    op.deletes().forEach(model::remove);
  }

  private static boolean same(Map<String, float[]> actual, Map<String, float[]> expected) {
    if (!actual.keySet().equals(expected.keySet())) {
      return false;
    }
    for (Map.Entry<String, float[]> e : expected.entrySet()) {
      if (!Arrays.equals(e.getValue(), actual.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static String diff(Map<String, float[]> expected, Map<String, float[]> actual) {
    Set<String> missing = new TreeSet<>(expected.keySet());
    missing.removeAll(actual.keySet());
    Set<String> extra = new TreeSet<>(actual.keySet());
    extra.removeAll(expected.keySet());
    Set<String> wrong = new TreeSet<>();
    expected.forEach((k, v) -> {
      if (actual.containsKey(k) && !Arrays.equals(v, actual.get(k))) {
        wrong.add(k);
      }
    });
    return "missing " + missing.size() + " " + head(missing) + ", unexpected " + extra.size() + " " + head(extra)
        + ", wrong value " + wrong.size() + " " + head(wrong);
  }

  private static String head(Set<String> keys) {
    return keys.stream().limit(10).toList().toString();
  }

  /**
   * Waits until the writer has opened the space (its {@code S} line) and acknowledged {@code acks}
   * operations: a writer that cannot open the space or make progress within a minute (a lock or
   * leftover of a killed writer blocking it) fails the suite, and so does one that dies.
   */
  private static void awaitAcks(Process writer, Path ack, Path out, int acks, int kill) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PROGRESS_TIMEOUT_S);
    while (System.nanoTime() < deadline) {
      if (Files.exists(ack)) {
        String text = Files.readString(ack, StandardCharsets.UTF_8);
        if (text.startsWith("S ") && text.lines().filter(l -> l.startsWith("A ")).count() >= acks) {
          return;
        }
      }
      if (!writer.isAlive()) {
        fail("writer %d exited (code %d) before its kill; output:%n%s", kill, writer.exitValue(), ChildJvm.tail(out, 8000));
      }
      Thread.sleep(5);
    }
    writer.destroyForcibly();
    fail("writer %d did not open the space and acknowledge %d operations within %d s; acks:%n%s%noutput:%n%s",
        kill, acks, PROGRESS_TIMEOUT_S, ChildJvm.tail(ack, 2000), ChildJvm.tail(out, 8000));
  }

  /** What one writer's ack file says: the operations acknowledged, and the one in flight when it died. */
  private record Log(List<Long> acked, Long inFlight, Long lastId) {
    static Log read(Path file) throws Exception {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
      lines.remove(lines.size() - 1); // the (possibly partial) line after the last newline
      List<Long> acked = new ArrayList<>();
      Long open = null;
      Long last = null;
      Set<Long> seen = new HashSet<>();
      for (String line : lines) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "S" -> { }
          case "I" -> {
            assertThat(open).as("intent %s while %s unacknowledged", f[1], open).isNull();
            open = Long.parseLong(f[1]);
            assertThat(seen.add(open)).isTrue();
            last = open;
          }
          case "A" -> {
            assertThat(Long.parseLong(f[1])).as("ack without intent").isEqualTo(open);
            acked.add(open);
            open = null;
          }
          default -> throw new AssertionError("bad ack line: " + line);
        }
      }
      return new Log(acked, open, last);
    }
  }

  private static List<String> keys(List<Neighbor> neighbors) {
    return neighbors.stream().map(Neighbor::key).toList();
  }
}

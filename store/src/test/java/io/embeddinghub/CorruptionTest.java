package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.embeddinghub.testing.TestHubs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of file of a space, damaged in each way: {@code verify} names exactly that file, and
 * every read path either answers as the HashMap model says or throws a {@link
 * CorruptFileException} naming the file; never a wrong answer, never a raw exception.
 */
@Tag("slow")
class CorruptionTest {
  private static final TestHubs HUBS = TestHubs.local();
  private static final int DIMS = 4;
  /** An old version read by snapshot and asOf; the next entry is the damaged old entry. */
  private static final long OLD_VERSION = 5;
  private static final Map<String, String> OUTCOMES = new TreeMap<>();

  /** Which file a case damages. */
  enum Target {
    LATEST_LOG_ENTRY, OLD_LOG_ENTRY, CHECKPOINT, LAST_CHECKPOINT, INDEXED_DATA_FILE, TAIL_DATA_FILE, INDEX_FILE
  }

  /** How it is damaged. */
  enum Damage {
    TRUNCATE, FLIP_MIDDLE, FLIP_NEAR_END
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Target t : Target.values()) {
      for (Damage d : Damage.values()) {
        out.add(Arguments.of(t, d));
      }
    }
    return out.stream();
  }

  /** A small space: 200 indexed rows, then single-row versions past the checkpoint at 10. */
  private record Fixture(EmbeddingHub hub, Map<String, float[]> model, Map<Long, Map<String, float[]>> models,
      Map<Long, java.time.Instant> times, long latest) {}

  private static Fixture build() {
    EmbeddingHub hub = HUBS.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("s", DIMS).buckets(2).build());
    Random random = new Random(7);
    Map<String, float[]> model = new HashMap<>();
    Map<String, float[]> batch = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      batch.put(String.format("k%03d", i), vector(random));
    }
    space.multiset(batch);                        // v1
    model.putAll(batch);
    assertThat(space.buildIndex().partitionsAdded()).isPositive(); // v2
    Map<Long, Map<String, float[]>> models = new HashMap<>();
    for (int i = 0; space.version() < 12; i++) {    // v3..v12: sets, an overwrite, deletes
      if (i % 4 == 3) {
        String victim = String.format("k%03d", i * 7);
        space.delete(victim);
        model.remove(victim);
      } else {
        String key = i % 4 == 1 ? String.format("k%03d", i) : "n" + i;
        float[] v = vector(random);
        space.set(key, v);
        model.put(key, v);
      }
      models.put(space.version(), new HashMap<>(model));
    }
    Map<Long, java.time.Instant> times = new HashMap<>();
    space.history().forEach(h -> times.put(h.version(), h.timestamp()));
    return new Fixture(hub, model, models, times, space.version());
  }

  private static float[] vector(Random random) {
    float[] v = new float[DIMS];
    for (int d = 0; d < DIMS; d++) {
      v[d] = random.nextFloat();
    }
    return v;
  }

  private static String target(Fixture f, Target t) {
    Space space = f.hub().getSpace("s");
    return switch (t) {
      case LATEST_LOG_ENTRY -> String.format("s/_log/%020d.json", f.latest());
      case OLD_LOG_ENTRY -> String.format("s/_log/%020d.json", OLD_VERSION + 1);
      case CHECKPOINT -> String.format("s/_log/%020d.checkpoint.json", 10);
      case LAST_CHECKPOINT -> "s/_log/_last_checkpoint";
      case INDEXED_DATA_FILE -> space.dataFiles().stream().filter(d -> d.rows() > 50)
          .max(Comparator.comparingLong(DataFileInfo::rows)).orElseThrow().path();
      case TAIL_DATA_FILE -> space.dataFiles().stream().filter(d -> d.rows() == 1)
          .reduce((a, b) -> b).orElseThrow().path();
      case INDEX_FILE -> space.indexPartitions().get(0).path();
    };
  }

  private static byte[] damage(byte[] bytes, Damage d) {
    return switch (d) {
      case TRUNCATE -> Arrays.copyOf(bytes, bytes.length / 2);
      case FLIP_MIDDLE -> flip(bytes, bytes.length / 2);
      case FLIP_NEAR_END -> flip(bytes, Math.max(0, bytes.length - 12));
    };
  }

  private static byte[] flip(byte[] bytes, int from) {
    byte[] out = bytes.clone();
    for (int i = from; i < Math.min(out.length, from + 4); i++) {
      out[i] ^= (byte) 0xFF;
    }
    return out;
  }

  @Test
  void anUndamagedSpaceVerifiesClean() {
    Fixture f = build();
    VerifyResult r = HUBS.reopen(f.hub()).verify("s");
    assertThat(r.problems()).isEmpty();
    assertThat(r.ok()).isTrue();
    assertThat(r.versions()).containsExactly(f.latest());
    Space space = f.hub().getSpace("s");
    long rows = space.dataFiles().stream().mapToLong(DataFileInfo::rows).sum();
    assertThat(r.rowsChecked()).isEqualTo(rows);
    // log files (13 entries + checkpoint + hint) + data files + index partitions
    assertThat(r.filesChecked()).isEqualTo(15 + space.dataFiles().size() + space.indexPartitions().size());
    VerifyResult all = space.verifyAll();
    assertThat(all.ok()).as(all.toString()).isTrue();
    assertThat(all.versions()).hasSize((int) f.latest() + 1);
    assertThat(space.verify(OLD_VERSION).ok()).isTrue();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void verifyNamesExactlyTheDamagedFileAndReadsNeverReturnWrongData(Target t, Damage d) {
    Fixture f = build();
    String path = target(f, t);
    byte[] damaged = damage(HUBS.read(f.hub(), path), d);
    HUBS.write(f.hub(), path, damaged);
    List<String> before = HUBS.listFiles(f.hub(), "s");
    String name = path.substring(path.lastIndexOf('/') + 1);

    // (a) verify: exactly that file, whether the latest version or all are checked
    EmbeddingHub fresh = HUBS.reopen(f.hub());
    for (VerifyResult r : List.of(fresh.verify("s"), fresh.verifyAll("s"))) {
      assertThat(r.ok()).as(r.toString()).isFalse();
      assertThat(r.problems()).as(r.toString()).hasSize(1);
      VerifyResult.Problem p = r.problems().get(0);
      assertThat(p.path()).isEqualTo(path);
      assertThat(p.kind()).isEqualTo(kind(t));
      assertThat(p.message()).isNotBlank();
    }
    assertThat(HUBS.listFiles(f.hub(), "s")).isEqualTo(before); // verify changes nothing
    assertThat(HUBS.read(f.hub(), path)).isEqualTo(damaged);

    // (b) every read path: the model's answer, or a CorruptFileException naming the file
    List<String> outcomes = new ArrayList<>();
    Space space = attempt("open", name, outcomes, () -> HUBS.reopen(f.hub()).getSpace("s"), s -> {});
    if (space != null) {
      attempt("size", name, outcomes, space::size, n -> assertThat(n).isEqualTo(f.model().size()));
      attempt("get", name, outcomes, () -> {
        for (Map.Entry<String, float[]> e : f.model().entrySet()) {
          assertThat(space.get(e.getKey())).as(e.getKey()).containsExactly(e.getValue());
        }
        return null;
      }, x -> {});
      List<String> keys = new ArrayList<>(f.model().keySet());
      attempt("multiget", name, outcomes, () -> space.multiget(keys), vs -> {
        for (int i = 0; i < keys.size(); i++) {
          assertThat(vs.get(i)).as(keys.get(i)).containsExactly(f.model().get(keys.get(i)));
        }
      });
      attempt("nearestNeighbors", name, outcomes, () -> {
        for (int q = 0; q < 5; q++) {
          float[] query = vector(new Random(q));
          checkNeighbors(f.model(), query, space.nearestNeighbors(10, query), false);
          checkNeighbors(f.model(), query, space.nearestNeighbors(10, query, SearchOptions.exactSearch()), true);
        }
        return null;
      }, x -> {});
      for (long v : new long[] {OLD_VERSION, OLD_VERSION + 3}) {
        attempt("snapshot " + v, name, outcomes, () -> contents(space.snapshot(v), f.models().get(v)),
            got -> assertSame(got, f.models().get(v)));
        attempt("asOf " + v, name, outcomes, () -> contents(space.asOf(f.times().get(v)), f.models().get(v)),
            got -> assertSame(got, f.models().get(v)));
      }
      attempt("history", name, outcomes, space::history, h -> assertThat(h).hasSize((int) f.latest() + 1));
    }
    OUTCOMES.put(t + " " + d, String.join(", ", outcomes));
  }

  /** A checkpoint that parses but disagrees with the entries it summarizes: verify names it (readers trust checkpoints). */
  @Test
  void aCheckpointThatParsesButDisagreesWithTheEntriesIsNamed() {
    Fixture f = build();
    String checkpoint = String.format("s/_log/%020d.checkpoint.json", 10);
    String json = new String(HUBS.read(f.hub(), checkpoint), java.nio.charset.StandardCharsets.UTF_8);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"minKey\":\"([^\"]+)\"").matcher(json);
    assertThat(m.find()).isTrue();
    // a checkpoint that lies consistently: without the checksum a flipped byte would break, as an
    // older writer (which sealed nothing) or a buggy one could leave it
    String lied = (json.substring(0, m.start(1)) + "a" + json.substring(m.start(1))).replaceFirst("^\\{\"crc32\":\"[0-9a-f]{8}\",", "{");
    assertThat(lied).doesNotContain("crc32");
    HUBS.write(f.hub(), checkpoint, lied.getBytes(java.nio.charset.StandardCharsets.UTF_8));

    for (VerifyResult r : List.of(HUBS.reopen(f.hub()).verify("s"), HUBS.reopen(f.hub()).verifyAll("s"))) {
      assertThat(r.problems()).hasSize(1);
      assertThat(r.problems().get(0).path()).isEqualTo(checkpoint);
      assertThat(r.problems().get(0).kind()).isEqualTo(VerifyResult.FileKind.CHECKPOINT);
      assertThat(r.problems().get(0).message()).contains("disagrees with the log entries up to version 10");
    }
  }

  /**
   * Once a vacuum expired the entries before the oldest retained checkpoint, a damaged checkpoint
   * cannot be replaced by replaying entries: opening the space is an error naming it, never an
   * older state; verify names it and nothing else.
   */
  @Test
  void aDamagedCheckpointWhoseEntriesWereExpiredIsAnErrorNotAnOlderState() {
    Fixture f = build();
    Space space = f.hub().getSpace("s");
    space.vacuum(java.time.Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    String checkpoint = String.format("s/_log/%020d.checkpoint.json", f.latest());
    assertThat(HUBS.exists(f.hub(), checkpoint)).isTrue();
    assertThat(HUBS.exists(f.hub(), String.format("s/_log/%020d.json", 0))).isFalse();
    HUBS.write(f.hub(), checkpoint, damage(HUBS.read(f.hub(), checkpoint), Damage.FLIP_MIDDLE));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HUBS.reopen(f.hub()).getSpace("s"))
        .isInstanceOf(CorruptFileException.class).hasMessageContaining(checkpoint.substring(checkpoint.lastIndexOf('/') + 1));
    VerifyResult r = HUBS.reopen(f.hub()).verifyAll("s");
    assertThat(r.problems()).extracting(VerifyResult.Problem::path).containsExactly(checkpoint);
    assertThat(r.versions()).containsExactly(f.latest());
  }

  /**
   * A byte flipped at every 16th offset of a data file, one at a time (bloom filter, page index and
   * footer included, which have no page checksum): point reads, multiget and exact search either
   * answer as the model says or name the file, and verify names the file whenever a read did not
   * answer (a flip verify does not see must be harmless to every read).
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(value = Target.class, names = {"INDEXED_DATA_FILE", "TAIL_DATA_FILE"})
  void aFlipAnywhereInADataFileIsNamedOrHarmless(Target t) {
    Fixture f = build();
    String path = target(f, t);
    String name = path.substring(path.lastIndexOf('/') + 1);
    byte[] original = HUBS.read(f.hub(), path);
    List<String> keys = new ArrayList<>(f.model().keySet());
    int named = 0;
    int harmless = 0;
    for (int offset = 0; offset < original.length; offset += 16) {
      byte[] damaged = original.clone();
      damaged[offset] ^= (byte) 0xFF;
      HUBS.write(f.hub(), path, damaged);
      List<String> outcomes = new ArrayList<>();
      Space space = HUBS.reopen(f.hub()).getSpace("s");
      String at = "flip at " + offset + " of " + original.length;
      attempt(at + " get", name, outcomes, () -> {
        for (String k : keys) {
          assertThat(space.get(k)).as(at + ": " + k).containsExactly(f.model().get(k));
        }
        return null;
      }, x -> {});
      attempt(at + " multiget", name, outcomes, () -> space.multiget(keys), vs -> {
        for (int i = 0; i < keys.size(); i++) {
          assertThat(vs.get(i)).as(at + ": " + keys.get(i)).containsExactly(f.model().get(keys.get(i)));
        }
      });
      attempt(at + " exact search", name, outcomes, () -> {
        float[] query = vector(new Random(at.hashCode()));
        checkNeighbors(f.model(), query, space.nearestNeighbors(10, query, SearchOptions.exactSearch()), true);
        return null;
      }, x -> {});
      VerifyResult r = HUBS.reopen(f.hub()).verify("s");
      boolean failedARead = outcomes.stream().anyMatch(o -> o.endsWith("error"));
      if (r.ok()) {
        assertThat(failedARead).as(at + ": reads failed, verify found nothing: " + outcomes).isFalse();
        harmless++;
      } else {
        assertThat(r.problems()).as(at).extracting(VerifyResult.Problem::path).containsExactly(path);
        named++;
      }
    }
    HUBS.write(f.hub(), path, original);
    OUTCOMES.put(t + " byte sweep", "named by verify " + named + ", harmless " + harmless);
  }

  /** What {@code snapshot} holds under the model's keys (and its size, as one more entry). */
  private static Map<String, float[]> contents(SpaceSnapshot snapshot, Map<String, float[]> model) {
    Map<String, float[]> out = new HashMap<>();
    for (String k : model.keySet()) {
      out.put(k, snapshot.get(k));
    }
    out.put("#size", new float[] {snapshot.size()});
    return out;
  }

  private static void assertSame(Map<String, float[]> got, Map<String, float[]> model) {
    assertThat(got.remove("#size")).containsExactly((float) model.size());
    assertThat(got.keySet()).isEqualTo(model.keySet());
    model.forEach((k, v) -> assertThat(got.get(k)).as(k).containsExactly(v));
  }

  private static VerifyResult.FileKind kind(Target t) {
    return switch (t) {
      case LATEST_LOG_ENTRY, OLD_LOG_ENTRY -> VerifyResult.FileKind.LOG_ENTRY;
      case CHECKPOINT -> VerifyResult.FileKind.CHECKPOINT;
      case LAST_CHECKPOINT -> VerifyResult.FileKind.LAST_CHECKPOINT;
      case INDEXED_DATA_FILE, TAIL_DATA_FILE -> VerifyResult.FileKind.DATA_FILE;
      case INDEX_FILE -> VerifyResult.FileKind.INDEX_FILE;
    };
  }

  /** Runs one read path: its answer must pass {@code check}, or it must throw a corrupt-file error naming the file. */
  private static <T> T attempt(
      String what, String file, List<String> outcomes, Supplier<T> op, java.util.function.Consumer<T> check) {
    T value;
    try {
      value = op.get();
    } catch (CorruptFileException e) {
      assertThat(e.getMessage()).as(what).contains(file);
      outcomes.add(what + ": error");
      return null;
    } catch (RuntimeException e) {
      throw new AssertionError(what + " threw " + e + " instead of a CorruptFileException naming " + file, e);
    }
    check.accept(value);
    outcomes.add(what + ": ok");
    return value;
  }

  private static void checkNeighbors(Map<String, float[]> model, float[] query, List<Neighbor> got, boolean exact) {
    List<Map.Entry<String, Double>> truth = new ArrayList<>();
    model.forEach((k, v) -> truth.add(Map.entry(k, l2(query, v))));
    truth.sort(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
    assertThat(got).hasSize(10);
    for (Neighbor n : got) {
      float[] v = model.get(n.key());
      if (v == null) {
        fail("nearestNeighbors returned " + n.key() + ", which the model does not hold");
      }
      assertThat((double) n.distance()).as(n.key()).isCloseTo(l2(query, v), org.assertj.core.data.Offset.offset(1e-4));
    }
    if (exact) {
      assertThat(got.stream().map(Neighbor::key).toList())
          .containsExactlyElementsOf(truth.subList(0, 10).stream().map(Map.Entry::getKey).toList());
    }
  }

  private static double l2(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (double) (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  @AfterAll
  static void printOutcomes() {
    OUTCOMES.forEach((c, o) -> System.out.println("CORRUPTION " + c + " -> " + o));
  }
}

package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.testing.TestHubs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bad input is a specific exception naming the offending value, and leaves every file
 * under the hub root exactly as it was.
 */
@Tag("slow")
class BadInputTest {
  private final TestHubs hubs = TestHubs.local();
  private EmbeddingHub hub;
  private Space space;

  @BeforeEach
  void setUp() {
    Configuration conf = new Configuration(false);
    conf.setLong(HubProperties.WRITE_BUFFER_BYTES, 1024); // bulk loads flush files early
    hub = hubs.newHub(conf);
    space = hub.createSpace("s", 3);
    space.multiset(Map.of("a", new float[] {1, 2, 3}, "b", new float[] {4, 5, 6}));
  }

  /** Asserts the call fails as described and that no file under the hub root changed. */
  private void rejects(ThrowingCallable call, Class<? extends Throwable> type, String... inMessage) {
    Map<String, byte[]> before = snapshotFiles();
    var assertion = assertThatThrownBy(call).isInstanceOf(type);
    for (String s : inMessage) {
      assertion.hasMessageContaining(s);
    }
    Map<String, byte[]> after = snapshotFiles();
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.forEach((path, bytes) -> assertThat(Arrays.equals(after.get(path), bytes)).as(path).isTrue());
  }

  private Map<String, byte[]> snapshotFiles() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String path : hubs.listFiles(hub, "")) {
      files.put(path, hubs.read(hub, path));
    }
    return files;
  }

  @Test
  void unknownAndDuplicateSpaces() {
    rejects(() -> hub.getSpace("nope"), SpaceNotFoundException.class, "'nope'");
    rejects(() -> hub.dropSpace("nope"), SpaceNotFoundException.class, "'nope'");
    rejects(() -> hub.createSpace("s", 3), SpaceAlreadyExistsException.class, "'s'");
    rejects(() -> space.fork("s"), SpaceAlreadyExistsException.class, "'s'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a/b", "/abs", "../x", "a\u0000b", "a\nb", "with space", "_hidden", "a.b"})
  void invalidSpaceNames(String name) {
    rejects(() -> hub.createSpace(name, 3), InvalidInputException.class, "Invalid space name");
    rejects(() -> hub.getSpace(name), InvalidInputException.class, "Invalid space name");
    rejects(() -> space.fork(name), InvalidInputException.class, "Invalid space name");
  }

  @Test
  void nameTooLongOrNull() {
    String tooLong = "x".repeat(129);
    rejects(() -> hub.createSpace(tooLong, 3), InvalidInputException.class, "Invalid space name");
    rejects(() -> hub.createSpace(null, 3), InvalidInputException.class, "null");
    assertThat(hub.createSpace("x".repeat(128), 1).name()).hasSize(128);
  }

  @Test
  void controlCharactersAreEscapedInMessages() {
    assertThatThrownBy(() -> hub.createSpace("a\nb", 3)).hasMessageContaining("'a\\u000ab'");
  }

  @Test
  void badSpecs() {
    rejects(() -> hub.createSpace("z", 0), InvalidInputException.class, "dimensions 0");
    rejects(() -> hub.createSpace("z", -1), InvalidInputException.class, "dimensions -1");
    rejects(() -> hub.createSpace(SpaceSpec.builder("z", 3).buckets(0).build()), InvalidInputException.class, "bucket count 0");
    rejects(() -> new IndexParams(1, 200, 64), InvalidInputException.class, "m 1");
    rejects(() -> Metric.parse("bogus"), InvalidInputException.class, "'bogus'");
  }

  @Test
  void badVectorsAndKeys() {
    rejects(() -> space.set("k", new float[] {1, 2}), InvalidInputException.class, "'k'", "2 dimensions", "has 3");
    rejects(() -> space.set("k", null), InvalidInputException.class, "'k'", "null");
    rejects(() -> space.set("k", new float[] {1, Float.NaN, 3}), InvalidInputException.class, "'k'", "NaN", "index 1");
    rejects(() -> space.set("k", new float[] {Float.POSITIVE_INFINITY, 2, 3}), InvalidInputException.class, "Infinity", "index 0");
    rejects(() -> space.set("k", new float[] {1, 2, Float.NEGATIVE_INFINITY}), InvalidInputException.class, "-Infinity", "index 2");
    rejects(() -> space.set(null, new float[] {1, 2, 3}), InvalidInputException.class, "Key must not be null");
    rejects(() -> space.set("", new float[] {1, 2, 3}), InvalidInputException.class, "Key must not be empty");
    rejects(() -> space.get(""), InvalidInputException.class, "empty");
    rejects(() -> space.delete(null), InvalidInputException.class, "null");
    rejects(() -> space.multidelete(Arrays.asList("a", null)), InvalidInputException.class, "null");
    Space cosine = hub.createSpace(SpaceSpec.builder("c", 2).metric(Metric.COSINE).build());
    rejects(() -> cosine.set("zero", new float[] {0, 0}), InvalidInputException.class, "'zero'", "all zeros");
  }

  @Test
  void nullArgumentsAreNamed() { // every public method: NullArgumentsTest
    rejects(() -> space.multiset((Map<String, float[]>) null), InvalidInputException.class, "entries must not be null");
    rejects(() -> space.downloadSnapshot().multiset((Map<String, float[]>) null), InvalidInputException.class, "entries must not be null");
    rejects(() -> space.multidelete(null), InvalidInputException.class, "keys must not be null");
    rejects(() -> hub.vacuum(null), InvalidInputException.class, "retention must not be null");
  }

  @Test
  void oneBadEntryRejectsTheWholeWrite() {
    Map<String, float[]> batch = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      batch.put("ok" + i, new float[] {i, i, i});
    }
    batch.put("bad", new float[] {1, 2});
    rejects(() -> space.multiset(batch), InvalidInputException.class, "'bad'");
    assertThat(space.version()).isEqualTo(1);

    // a bulk load that already flushed files before meeting the bad entry
    List<Map.Entry<String, float[]>> stream = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      stream.add(Map.entry("bulk" + i, new float[] {i, i, i}));
    }
    stream.add(Map.entry("nan", new float[] {Float.NaN, 0, 0}));
    rejects(() -> space.multiset(stream.iterator()), InvalidInputException.class, "'nan'");
    rejects(() -> space.multiset(stream.stream()), InvalidInputException.class, "'nan'");
    assertThat(space.version()).isEqualTo(1);
    assertThat(space.size()).isEqualTo(2);
  }

  @Test
  void unknownVersionsAndTimes() {
    rejects(() -> space.snapshot(99), VersionNotFoundException.class, "Version 99", "0..1");
    rejects(() -> space.snapshot(-1), VersionNotFoundException.class, "Version -1");
    rejects(() -> space.fork("f", 42), VersionNotFoundException.class, "Version 42");
    rejects(() -> space.asOf(Instant.EPOCH), VersionNotFoundException.class, "1970-01-01");
  }

  @Test
  void badQueries() {
    rejects(() -> space.nearestNeighbors(-1, new float[] {1, 2, 3}), InvalidInputException.class, "k must be >= 0, got -1");
    rejects(() -> space.nearestNeighbors(3, new float[] {1, 2}), InvalidInputException.class, "2 dimensions");
    rejects(() -> space.nearestNeighbors(3, new float[] {1, Float.NaN, 2}), InvalidInputException.class, "NaN");
    rejects(() -> space.nearestNeighbors(3, "missing"), KeyNotFoundException.class, "'missing'");
    rejects(() -> SearchOptions.withEf(-5), InvalidInputException.class, "ef -5");
    rejects(() -> space.downloadSnapshot().nearestNeighbors(3, new float[] {1}), InvalidInputException.class, "1 dimensions");
  }

  @Test
  void missingKeysAreNamed() {
    assertThatThrownBy(() -> space.get("zz"))
        .isInstanceOf(KeyNotFoundException.class)
        .hasMessageContaining("'zz'")
        .satisfies(e -> assertThat(((KeyNotFoundException) e).missingKeys()).containsExactly("zz"));
    List<String> keys = new ArrayList<>(List.of("a"));
    for (int i = 0; i < 12; i++) {
      keys.add("m" + i);
    }
    assertThatThrownBy(() -> space.multiget(keys))
        .isInstanceOf(KeyNotFoundException.class)
        .hasMessageContaining("12 keys")
        .hasMessageContaining("'m0'")
        .hasMessageContaining("'m9'")
        .hasMessageContaining("and 2 more")
        .satisfies(e -> assertThat(((KeyNotFoundException) e).missingKeys()).hasSize(12));
    assertThatThrownBy(() -> space.downloadSnapshot().multiget(keys)).hasMessageContaining("and 2 more");
  }

  @Test
  void aLocalSpaceRejectsTheSameInputAndStaysUnchanged() {
    LocalSpace local = space.downloadSnapshot();
    Map<String, float[]> batch = new HashMap<>(Map.of("x", new float[] {1, 2, 3}, "y", new float[] {1, Float.NaN, 3}));
    assertThatThrownBy(() -> local.multiset(batch)).isInstanceOf(InvalidInputException.class).hasMessageContaining("'y'");
    assertThat(local.contains("x")).isFalse();
    assertThat(local.size()).isEqualTo(2);
  }

  @Test
  void hubLocations() {
    assertThatThrownBy(() -> EmbeddingHub.open(" ")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> EmbeddingHub.open((String) null)).isInstanceOf(InvalidInputException.class);
  }
}

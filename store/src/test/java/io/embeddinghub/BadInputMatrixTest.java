package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated matrix of hostile input — space names, keys, vectors, search and version
 * arguments, specs, retentions — run through every public operation that takes it. Each case is
 * either accepted and then round-trips exactly (through a fresh hub too), or rejected with one of
 * the library's own exceptions; a rejected case leaves every byte under the sandbox (the hub root
 * and the directory around it) as it was, and no case ever creates a file outside the hub root.
 * The figures (cases tried, accepted, rejected) are printed for docs/RELIABILITY.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("slow")
class BadInputMatrixTest {
  /** The documented rule for space names (Errors.checkSpaceName), restated as the oracle. */
  private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
  private static final int DIMS = 3;

  @TempDir static Path sandbox;
  private Path root;
  private EmbeddingHub hub;
  private Space space;
  private final Map<String, float[]> model = new TreeMap<>();
  private int accepted;
  private int rejected;

  @BeforeAll
  void openHub() throws IOException {
    Files.writeString(sandbox.resolve("outside.txt"), "a file next to the hub root");
    Files.createDirectories(sandbox.resolve("sibling"));
    root = sandbox.resolve("hub");
    hub = EmbeddingHub.open(root.toString(), new Configuration(false));
    space = hub.createSpace("s", DIMS);
    put("seed", new float[] {1, 2, 3});
  }

  @AfterAll
  void report() {
    System.out.printf("BadInputMatrixTest: %d cases, %d accepted and round-tripped, %d rejected with the store unchanged%n",
        accepted + rejected, accepted, rejected);
  }

  static List<String> hostileStrings() {
    List<String> s = new ArrayList<>(List.of(
        "", " ", "  leading", "trailing ", ".", "..", "...", "../x", "x/..", "a/b", "a\\b", "/abs", "/",
        "C:\\x", "C:", "~", "~root", "$HOME", "${user.home}", "%2e%2e", "a%2Fb", "a:b", "a*b", "?", "a#b",
        "a\u0000b", "\u0000", "a\nb", "\r\n", "\t", "\u007f", "\u001b[31m", "\u202eevil", "\u200b",
        "名前", "ünïcödé", "emoji 😀", "\uFEFFbom", "\uFFFF", "\uD800", "\uDC00", "a\uD800b", "\uDBFF\uDFFF",
        "con", "NUL", "aux.txt", "-a", "_a", "a-b_c", "A", "0", "x".repeat(128), "x".repeat(129),
        "k".repeat(100_000), "'quoted'", "\"dq\"", "a,b", "null", "NULL", "a b", "a.b", "._log", "_log",
        "data", "index", "bucket=0001"));
    return s;
  }

  private void put(String key, float[] vector) {
    space.set(key, vector);
    model.put(key, vector.clone());
  }

  // ---- space names --------------------------------------------------------------------------

  @Test
  void spaceNames() {
    for (String name : hostileStrings()) {
      if (VALID_NAME.matcher(name).matches() && !name.equals("s")) {
        Map<String, String> before = sandboxFiles();
        Space created = hub.createSpace(name, 2);
        created.set("k", new float[] {1, 2});
        assertThat(hub.listSpaces()).contains(name);
        assertThat(EmbeddingHub.open(root.toString(), new Configuration(false)).getSpace(name).get("k"))
            .containsExactly(1, 2);
        assertOnlyUnderRootChanged(before, name);
        hub.dropSpace(name);
        assertThat(hub.exists(name)).isFalse();
        accepted++;
      } else if (!VALID_NAME.matcher(name).matches()) {
        String n = name;
        rejects(() -> hub.createSpace(n, 2), InvalidInputException.class);
        rejects(() -> hub.createSpace(SpaceSpec.builder(n, 2).build()), InvalidInputException.class);
        rejects(() -> hub.getSpace(n), InvalidInputException.class);
        rejects(() -> hub.getSpace(n, true), InvalidInputException.class);
        rejects(() -> hub.exists(n), InvalidInputException.class);
        rejects(() -> hub.dropSpace(n), InvalidInputException.class);
        rejects(() -> space.fork(n), InvalidInputException.class);
        rejects(() -> space.fork(n, 0), InvalidInputException.class);
      }
    }
    assertThat(hub.listSpaces()).containsExactly("s");
  }

  // ---- keys -----------------------------------------------------------------------------------

  @Test
  void keys() {
    for (String key : hostileStrings()) {
      if (key.isEmpty() || !isValidUnicode(key)) { // UTF-8 cannot hold an unpaired surrogate
        rejects(() -> space.set(key, new float[] {1, 1, 1}), InvalidInputException.class);
        rejects(() -> space.multiset(Map.of(key, new float[] {1, 1, 1})), InvalidInputException.class);
        rejects(() -> space.get(key), InvalidInputException.class);
        rejects(() -> space.find(key), InvalidInputException.class);
        rejects(() -> space.delete(key), InvalidInputException.class);
        rejects(() -> space.nearestNeighbors(1, key), InvalidInputException.class);
        continue;
      }
      float[] vector = {key.length(), key.hashCode() % 1000, 7};
      put(key, vector);
      assertThat(space.get(key)).as("get %s", printable(key)).containsExactly(vector);
      assertThat(space.multiget(List.of(key, "seed"))).as("multiget %s", printable(key))
          .containsExactly(vector, model.get("seed"));
      assertThat(space.nearestNeighbors(model.size(), key)).as("by key %s", printable(key))
          .noneMatch(n -> n.key().equals(key)).hasSize(model.size() - 1);
      accepted++;
    }
    assertStoreEqualsModel(space);
    assertStoreEqualsModel(EmbeddingHub.open(root.toString(), new Configuration(false)).getSpace("s"));
    // multiset of every accepted key at once, then multidelete of half of them
    Map<String, float[]> batch = new LinkedHashMap<>();
    hostileStrings().stream().filter(k -> !k.isEmpty() && isValidUnicode(k)).forEach(k -> batch.put(k, new float[] {k.length(), 1, 2}));
    space.multiset(batch);
    model.putAll(batch);
    List<String> half = batch.keySet().stream().filter(k -> (k.hashCode() & 1) == 0).toList();
    space.multidelete(half);
    half.forEach(model::remove);
    assertStoreEqualsModel(space);
    assertStoreEqualsModel(EmbeddingHub.open(root.toString(), new Configuration(false)).getSpace("s"));
    assertStoreEqualsModel(space.downloadSnapshot());
    assertThat(Files.exists(sandbox.resolve("etc"))).isFalse();
  }

  // ---- vectors -------------------------------------------------------------------------------

  @Test
  void vectors() {
    List<float[]> bad = List.of(
        new float[0], new float[DIMS - 1], new float[DIMS + 1], new float[10_000],
        new float[] {Float.NaN, 0, 0}, new float[] {0, Float.POSITIVE_INFINITY, 0}, new float[] {0, 0, Float.NEGATIVE_INFINITY},
        new float[] {Float.intBitsToFloat(0x7fc00001), 1, 1});
    for (float[] v : bad) {
      rejects(() -> space.set("v", v), InvalidInputException.class);
      rejects(() -> space.multiset(Map.of("v", v, "w", new float[] {1, 1, 1})), InvalidInputException.class);
      rejects(() -> space.multiset(Stream.of(Map.entry("w", new float[] {1, 1, 1}), Map.entry("v", v))),
          InvalidInputException.class);
      rejects(() -> space.nearestNeighbors(1, v), InvalidInputException.class);
    }
    rejects(() -> space.set("v", null), InvalidInputException.class);
    rejects(() -> space.nearestNeighbors(1, (float[]) null), InvalidInputException.class);
    List<float[]> exact = List.of(
        new float[] {-0.0f, 0.0f, 1}, new float[] {Float.MIN_VALUE, -Float.MIN_VALUE, 1},
        new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, 1}, new float[] {1e-40f, 3.4e38f, -1e-45f},
        new float[] {0, 0, 0});
    for (int i = 0; i < exact.size(); i++) {
      put("exact" + i, exact.get(i));
      float[] back = EmbeddingHub.open(root.toString(), new Configuration(false)).getSpace("s").get("exact" + i);
      for (int d = 0; d < DIMS; d++) {
        assertThat(Float.floatToRawIntBits(back[d])).as("bits of exact%d[%d]", i, d)
            .isEqualTo(Float.floatToRawIntBits(exact.get(i)[d]));
      }
      accepted++;
    }
    Space cosine = hub.createSpace("cos", DIMS);
    cosine.delete("absent"); // a no-op, not an error
    Space cos = hub.createSpace(SpaceSpec.builder("cos2", DIMS).metric(Metric.COSINE).build());
    rejects(() -> cos.set("zero", new float[] {0, 0, 0}), InvalidInputException.class);
    rejects(() -> cos.nearestNeighbors(1, new float[] {0, 0, 0}), InvalidInputException.class);
    hub.dropSpace("cos");
    hub.dropSpace("cos2");
  }

  // ---- search, version and maintenance arguments ---------------------------------------------

  @Test
  void searchArguments() {
    float[] q = {1, 2, 3};
    assertThat(space.nearestNeighbors(0, q)).isEmpty(); // k = 0 is an empty answer, as documented
    for (int k : new int[] {-1, Integer.MIN_VALUE}) {
      rejects(() -> space.nearestNeighbors(k, q), InvalidInputException.class);
      rejects(() -> space.nearestNeighbors(k, "seed"), InvalidInputException.class);
    }
    for (int ef : new int[] {-1, 100_001, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      rejects(() -> space.nearestNeighbors(1, q, SearchOptions.withEf(ef)), InvalidInputException.class);
    }
    for (int nprobe : new int[] {-1, 100_001, Integer.MIN_VALUE}) {
      rejects(() -> space.nearestNeighbors(1, q, SearchOptions.DEFAULT.withNprobe(nprobe)), InvalidInputException.class);
    }
    for (double recall : new double[] {-0.1, 1.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      rejects(() -> space.nearestNeighbors(1, q, SearchOptions.targetRecall(recall)), InvalidInputException.class);
    }
    rejects(() -> space.nearestNeighbors(1, "no-such-key"), KeyNotFoundException.class);
    assertThat(space.nearestNeighbors(Integer.MAX_VALUE, q)).hasSize(model.size());
    accepted++;
  }

  @Test
  void versionsAndTimes() {
    long latest = space.version();
    for (long v : new long[] {-1, latest + 1, Long.MAX_VALUE, Long.MIN_VALUE}) {
      rejects(() -> space.snapshot(v), VersionNotFoundException.class);
      rejects(() -> space.fork("fork", v), VersionNotFoundException.class);
    }
    rejects(() -> space.asOf(Instant.EPOCH), VersionNotFoundException.class);
    rejects(() -> space.asOf(Instant.MIN), VersionNotFoundException.class);
    assertThat(space.asOf(Instant.MAX).version()).isEqualTo(latest);
    rejects(() -> hub.vacuum(Duration.ofSeconds(-1)), InvalidInputException.class);
    rejects(() -> hub.vacuum(Duration.ofSeconds(1)), InvalidInputException.class); // below the 1 h minimum
    accepted++;
  }

  @Test
  void specs() {
    for (int dims : new int[] {0, -1, SpaceSpec.MAX_DIMENSIONS + 1, Integer.MIN_VALUE}) {
      rejects(() -> hub.createSpace("d", dims), InvalidInputException.class);
    }
    for (int buckets : new int[] {0, -1, SpaceSpec.MAX_BUCKETS + 1}) {
      rejects(() -> hub.createSpace(SpaceSpec.builder("b", 2).buckets(buckets).build()), InvalidInputException.class);
    }
    for (long bytes : new long[] {0, -1, 1023, (16L << 30) + 1}) {
      rejects(() -> hub.createSpace(SpaceSpec.builder("f", 2).targetFileBytes(bytes).build()), InvalidInputException.class);
    }
    for (String metric : new String[] {"", "hamming", "L3", "co sine", "null", "l2-x"}) {
      rejects(() -> Metric.parse(metric), InvalidInputException.class);
    }
    for (int[] p : new int[][] {{1, 200, 64}, {513, 200, 64}, {16, 0, 64}, {16, 200, 0}, {16, 200, 100_001}}) {
      rejects(() -> new IndexParams(p[0], p[1], p[2]), InvalidInputException.class);
    }
    rejects(() -> hub.createSpace("s", 3), SpaceAlreadyExistsException.class);
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** The call fails with the library's exception of {@code type}, and no byte in the sandbox changed. */
  private void rejects(ThrowingCallable call, Class<? extends EmbeddingHubException> type) {
    Map<String, String> before = sandboxFiles();
    assertThatThrownBy(call).isInstanceOf(type).hasMessageNotContaining("null\n").satisfies(e ->
        assertThat(e.getMessage()).as("message of %s", e).isNotBlank());
    assertThat(sandboxFiles()).as("files after a rejected call").isEqualTo(before);
    rejected++;
  }

  private void assertStoreEqualsModel(ReadableSpace s) {
    assertThat(s.size()).isEqualTo(model.size());
    List<String> keys = new ArrayList<>(model.keySet());
    List<float[]> values = s.multiget(keys);
    for (int i = 0; i < keys.size(); i++) {
      assertThat(values.get(i)).as("value of %s", printable(keys.get(i))).containsExactly(model.get(keys.get(i)));
    }
  }

  /** Everything in the sandbox except the hub root may not change; under it only the named space may. */
  private void assertOnlyUnderRootChanged(Map<String, String> before, String spaceName) {
    Map<String, String> after = sandboxFiles();
    Consumer<Map<String, String>> dropSpace = m -> m.keySet().removeIf(p -> p.startsWith("hub/" + spaceName + "/"));
    Map<String, String> b = new TreeMap<>(before);
    Map<String, String> a = new TreeMap<>(after);
    dropSpace.accept(b);
    dropSpace.accept(a);
    assertThat(a).as("files outside hub/%s", spaceName).isEqualTo(b);
  }

  /** Path relative to the sandbox -> SHA-256 of the content, for every file in it. */
  private Map<String, String> sandboxFiles() {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(sandbox)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        files.put(sandbox.relativize(p).toString().replace('\\', '/'), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return files;
  }

  private static boolean isValidUnicode(String s) {
    return java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(s);
  }

  private static String printable(String s) {
    String head = s.length() > 40 ? s.substring(0, 40) + "…(" + s.length() + " chars)" : s;
    StringBuilder out = new StringBuilder();
    head.codePoints().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : new String(Character.toChars(c))));
    return out.toString();
  }
}

package io.embeddinghub;

import static io.embeddinghub.Oracles.assertContents;
import static io.embeddinghub.Oracles.assertSameEntries;
import static io.embeddinghub.Oracles.batch;
import static io.embeddinghub.Oracles.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embeddinghub.testing.TestHubs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The transaction log and data files on disk, read without EmbeddingHub: checkpoints, what opening
 * a space needs, the log entry JSON (replayed with Jackson and a plain Parquet reader into the
 * model at every version) and the data files themselves. Local file system only.
 */
class LogAndCheckpointTest {
  private static final int DIMS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ENTRY = Pattern.compile(".*/(\\d{20})\\.json");
  private static final Pattern CHECKPOINT = Pattern.compile(".*/(\\d{20})\\.checkpoint\\.json");

  private final TestHubs hubs = TestHubs.local();

  private EmbeddingHub hub(int checkpointInterval, int indexMinRows) {
    Configuration conf = new Configuration(false);
    conf.setInt(HubProperties.CHECKPOINT_INTERVAL, checkpointInterval);
    conf.setInt(HubProperties.INDEX_MIN_ROWS, indexMinRows);
    return hubs.newHub(conf);
  }

  /** 23 versions of every kind of write (each makes exactly one version). */
  private static TrackedSpace write23(EmbeddingHub hub, Random random) {
    TrackedSpace t = new TrackedSpace(hub.createSpace(SpaceSpec.builder("s", DIMS).buckets(2).build()));
    for (int i = 1; i <= 23; i++) {
      if (i == 11) {
        t.deleteAll();
      } else if (i == 17) {
        assertThat(t.optimize().filesRemoved()).isPositive();
      } else if (i % 4 == 1) {
        t.multiset(batch(random, DIMS, "k", i * 2, 6)); // overlaps the previous batch
      } else if (i % 4 == 2) {
        t.set(String.format("k%03d", i * 2), vector(random, DIMS));
      } else if (i % 4 == 3) {
        t.delete(new TreeSet<>(t.model.keySet()).first());
      } else {
        t.set("x" + i, vector(random, DIMS));
      }
    }
    assertThat(t.version()).isEqualTo(23);
    return t;
  }

  @Test
  void checkpointsEveryIntervalAndOpeningNeedsOnlyTheNewestCheckpointAndLaterEntries() {
    Random random = new Random(31);
    EmbeddingHub hub = hub(5, 128);
    TrackedSpace t = write23(hub, random);

    List<String> log = hubs.listFiles(hub, "s/_log");
    assertThat(versions(log, CHECKPOINT)).containsExactly(5L, 10L, 15L, 20L);
    assertThat(versions(log, ENTRY)).containsExactlyElementsOf(LongStream.rangeClosed(0, 23).boxed().toList());
    assertThat(json(hubs.read(hub, "s/_log/_last_checkpoint")).get("version").asLong()).isEqualTo(20);

    // without entries 1..19 the latest version opens from checkpoint 20 and entries 21..23
    for (long v = 1; v <= 19; v++) {
      hubs.delete(hub, entry(v));
    }
    Space reopened = hubs.reopen(hub).getSpace("s");
    assertThat(reopened.version()).isEqualTo(23);
    assertContents(reopened, t.model, "latest without entries 1..19");
    for (long v = 20; v <= 23; v++) {
      assertContents(reopened.snapshot(v), t.at(v), "version " + v + " without entries 1..19");
    }
    // versions 1..19: the ones with a checkpoint still hold their exact contents; the others
    // cannot be rebuilt and are reported as missing versions (not as corrupt files)
    Set<Long> checkpoints = Set.of(5L, 10L, 15L);
    for (long v = 1; v <= 19; v++) {
      long version = v;
      if (checkpoints.contains(v)) {
        assertContents(reopened.snapshot(v), t.at(v), "checkpointed version " + v + " without entries 1..19");
      } else {
        assertThatThrownBy(() -> reopened.snapshot(version))
            .as("version %d without its entry", v)
            .isInstanceOf(VersionNotFoundException.class)
            .hasMessageContaining("Version " + v + " ");
      }
    }

    // nor are entry 0 and the older checkpoints needed
    hubs.delete(hub, entry(0));
    for (long v : checkpoints) {
      hubs.delete(hub, checkpoint(v));
    }
    Space bare = hubs.reopen(hub).getSpace("s");
    assertContents(bare, t.model, "latest from checkpoint 20 and entries 21..23 only");
    assertThat(bare.spec()).isEqualTo(hub.getSpace("s").spec());
    for (long v = 0; v < 20; v++) {
      long version = v;
      assertThatThrownBy(() -> bare.snapshot(version))
          .isInstanceOf(VersionNotFoundException.class)
          .hasMessageContaining("Version " + v + " ")
          .hasMessageContaining("20..23");
    }
    assertThat(bare.history()).extracting(VersionInfo::version).containsExactly(20L, 21L, 22L, 23L);

    // and the space keeps working on top of it
    float[] v24 = vector(random, DIMS);
    bare.set("after", v24);
    t.model.put("after", v24);
    assertThat(bare.version()).isEqualTo(24);
    assertContents(hubs.reopen(hub).getSpace("s"), t.model, "version 24 on the trimmed log");
  }

  @Tag("slow")
  @Test
  void aSpaceWith200VersionsOpensFromItsCheckpoints() {
    Random random = new Random(32);
    EmbeddingHub hub = hubs.newHub(); // default checkpoint interval
    TrackedSpace t = new TrackedSpace(hub.createSpace(SpaceSpec.builder("s", DIMS).buckets(2).build()));
    t.multiset(batch(random, DIMS, "k", 0, 300));
    while (t.version() < 200) {
      long next = t.version() + 1;
      if (next % 25 == 0) {
        t.set(String.format("k%03d", next), vector(random, DIMS)); // an overwrite
      } else if (next % 2 == 0) {
        t.delete(String.format("k%03d", next));
      } else {
        t.multidelete(List.of(String.format("k%03d", next), "absent"));
      }
    }
    List<String> log = hubs.listFiles(hub, "s/_log");
    assertThat(versions(log, CHECKPOINT))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 20).map(i -> i * HubProperties.CHECKPOINT_INTERVAL_DEFAULT).boxed().toList());
    assertThat(versions(log, ENTRY)).containsExactlyElementsOf(LongStream.rangeClosed(0, 200).boxed().toList());
    Space fresh = hubs.reopen(hub).getSpace("s");
    assertThat(fresh.version()).isEqualTo(200);
    assertContents(fresh, t.model, "version 200 on a fresh hub");
    List<VersionInfo> history = fresh.history();
    assertThat(history).hasSize(201);
    for (VersionInfo row : history) {
      assertThat(row.size()).as("size at %d", row.version()).isEqualTo(t.at(row.version()).size());
    }
    for (long v : List.of(0L, 1L, 2L, 9L, 10L, 11L, 57L, 99L, 100L, 150L, 199L, 200L)) {
      assertContents(fresh.snapshot(v), t.at(v), "version " + v + " of 200");
    }
  }

  @Tag("slow") // damaged hints, one by one
  @Test
  void aMissingStaleOrGarbledCheckpointHintStillOpensTheLatestVersion() {
    Random random = new Random(33);
    EmbeddingHub hub = hub(5, 128);
    TrackedSpace t = write23(hub, random);
    String hint = "s/_log/_last_checkpoint";

    hubs.delete(hub, hint);
    assertContents(hubs.reopen(hub).getSpace("s"), t.model, "without _last_checkpoint");
    hubs.write(hub, hint, "{\"version\":5}".getBytes(StandardCharsets.UTF_8));
    assertContents(hubs.reopen(hub).getSpace("s"), t.model, "hint pointing at an older checkpoint");
    hubs.write(hub, hint, "{\"version\":999}".getBytes(StandardCharsets.UTF_8));
    assertContents(hubs.reopen(hub).getSpace("s"), t.model, "hint pointing at a missing checkpoint");
    hubs.write(hub, hint, "not json at all".getBytes(StandardCharsets.UTF_8));
    Space garbled = hubs.reopen(hub).getSpace("s");
    assertContents(garbled, t.model, "garbled hint");
    for (long v = 0; v <= 23; v++) {
      assertContents(garbled.snapshot(v), t.at(v), "version " + v + " with a garbled hint");
    }
  }

  @Tag("slow") // a model check at every version
  @Test
  void logEntriesAndCheckpointsReplayedFromJsonAndParquetGiveTheModelAtEveryVersion() {
    Random random = new Random(34);
    int indexMinRows = 5;
    EmbeddingHub hub = hub(5, indexMinRows);
    TrackedSpace t = write23(hub, random);
    int buckets = 2;

    Map<String, LiveFile> live = new HashMap<>();
    Map<String, JsonNode> partitions = new HashMap<>();
    Map<String, JsonNode> builds = new HashMap<>();
    int indexedVersions = 0;
    long size = 0;
    for (long v = 0; v <= 23; v++) {
      JsonNode e = json(hubs.read(hub, entry(v)));
      String why = "entry " + v;
      for (String field : List.of("formatVersion", "version", "timestamp", "operation", "add", "remove", "delete", "stats")) {
        assertThat(e.has(field)).as("%s has field %s", why, field).isTrue();
      }
      assertThat(e.get("formatVersion").asInt()).isEqualTo(3);
      assertThat(e.get("version").asLong()).isEqualTo(v);
      assertThat(e.get("add").isArray() && e.get("remove").isArray() && e.get("delete").isArray()).isTrue();
      JsonNode stats = e.get("stats");
      if (v == 0) {
        JsonNode meta = e.get("metadata");
        assertThat(meta.get("name").asText()).isEqualTo("s");
        assertThat(meta.get("dimensions").asInt()).isEqualTo(DIMS);
        assertThat(meta.get("metric").asText()).isEqualTo("l2");
        assertThat(meta.get("buckets").asInt()).isEqualTo(buckets);
      } else {
        assertThat(e.has("metadata")).as(why).isFalse();
      }

      long deletedRows = 0;
      for (JsonNode r : e.get("remove")) {
        LiveFile removed = live.remove(r.asText());
        assertThat(removed).as("%s removes a live file %s", why, r.asText()).isNotNull();
        deletedRows += removed.liveRows();
      }
      long addedRows = 0;
      for (JsonNode a : e.get("add")) {
        String path = a.get("path").asText();
        List<Oracles.Row> rows = Oracles.readDataFile(hubs, hub, path);
        int bucket = a.get("bucket").asInt();
        assertThat(path).startsWith(String.format("s/data/bucket=%04d/", bucket)).endsWith(".parquet");
        assertThat(a.get("rows").asLong()).as("%s rows of %s", why, path).isEqualTo(rows.size());
        assertThat(a.get("size").asLong()).isEqualTo(hubs.read(hub, path).length);
        assertThat(a.get("minKey").asText()).isEqualTo(rows.get(0).key());
        assertThat(a.get("maxKey").asText()).isEqualTo(rows.get(rows.size() - 1).key());
        assertThat(a.hasNonNull("index")).as("%s: writes build no index for %s", why, path).isFalse();
        assertThat(live.put(path, new LiveFile(rows))).as("%s adds %s twice", why, path).isNull();
        addedRows += rows.size();
      }
      for (JsonNode d : e.get("delete")) {
        LiveFile f = live.get(d.get("path").asText());
        assertThat(f).as("%s deletes rows of a live file", why).isNotNull();
        for (int position : decodePositions(d.get("positions").asText())) {
          assertThat(position).isLessThan(f.rows.size());
          assertThat(f.deleted.add(position)).as("%s deletes row %d twice", why, position).isTrue();
          deletedRows++;
        }
      }
      for (JsonNode r : e.get("indexRemove")) {
        assertThat(partitions.remove(r.asText())).as("%s removes a live partition %s", why, r.asText()).isNotNull();
      }
      builds.keySet().removeIf(id -> partitions.values().stream().noneMatch(p -> p.get("build").asText().equals(id)));
      for (JsonNode b : e.get("indexBuild")) {
        long coveredRows = 0;
        for (JsonNode f : b.get("dataFiles")) {
          LiveFile covered = live.get(f.asText());
          assertThat(covered).as("%s indexes a live file %s", why, f.asText()).isNotNull();
          coveredRows += covered.rows.size() - covered.deleted.size();
        }
        assertThat(builds.put(b.get("id").asText(), b)).as("%s adds build %s twice", why, b.get("id")).isNull();
        long partitionRows = 0;
        for (JsonNode p : e.get("indexAdd")) {
          partitionRows += p.get("build").asText().equals(b.get("id").asText()) ? p.get("rows").asLong() : 0;
        }
        assertThat(partitionRows).as("%s: the build's partitions hold every live row it covers", why).isEqualTo(coveredRows);
      }
      for (JsonNode p : e.get("indexAdd")) {
        String path = p.get("path").asText();
        assertThat(path).startsWith("s/index/").endsWith(".ehi");
        assertThat(p.get("size").asLong()).isEqualTo(hubs.read(hub, path).length);
        assertThat(p.has("dataFiles")).as("%s: a partition does not list the build's files again", why).isFalse();
        assertThat(p.get("dataFileCount").asInt()).isPositive();
        assertThat(builds).as("%s: partition %s is of a build the entry adds", why, path).containsKey(p.get("build").asText());
        assertThat(partitions.put(path, p)).isNull();
      }
      for (JsonNode b : builds.values()) {
        for (JsonNode f : b.get("dataFiles")) {
          assertThat(live).as("%s: live builds cover live files only", why).containsKey(f.asText());
        }
      }
      indexedVersions += e.get("indexAdd").isEmpty() ? 0 : 1;
      Map<String, float[]> replayed = liveRows(live, why);
      assertSameEntries(replayed, t.at(v), "replay of the log up to version " + v);
      assertThat(stats.get("rowsAdded").asLong()).as("%s rowsAdded", why).isEqualTo(addedRows);
      assertThat(stats.get("rowsDeleted").asLong()).as("%s rowsDeleted", why).isEqualTo(deletedRows);
      assertThat(stats.get("size").asLong()).as("%s size", why).isEqualTo(t.at(v).size());
      assertThat(size + addedRows - deletedRows).isEqualTo(t.at(v).size());
      size = t.at(v).size();
    }

    assertThat(indexedVersions).as("optimize indexed the tail").isEqualTo(1);

    // checkpoints hold the full state: their files and deletions give the model at their version
    for (long v : List.of(5L, 10L, 15L, 20L)) {
      JsonNode c = json(hubs.read(hub, checkpoint(v)));
      assertThat(c.get("formatVersion").asInt()).isEqualTo(3);
      assertThat(c.get("partitions").size()).as("checkpoint %d partitions", v).isEqualTo(v >= 17 ? 1 : 0);
      assertThat(c.get("indexBuilds").size()).as("checkpoint %d builds", v).isEqualTo(v >= 17 ? 1 : 0);
      assertThat(c.get("version").asLong()).isEqualTo(v);
      assertThat(c.get("metadata").get("name").asText()).isEqualTo("s");
      Map<String, LiveFile> files = new HashMap<>();
      for (JsonNode f : c.get("files")) {
        LiveFile file = new LiveFile(Oracles.readDataFile(hubs, hub, f.get("path").asText()));
        for (int p : decodePositions(f.get("deleted").asText())) {
          file.deleted.add(p);
        }
        files.put(f.get("path").asText(), file);
      }
      assertSameEntries(liveRows(files, "checkpoint " + v), t.at(v), "checkpoint " + v);
    }
  }

  @Test
  void dataFilesAreSortedPlainParquetInTheirKeysBucket() throws IOException {
    assertThat(Oracles.murmur3x86(new byte[0], 0)).isZero();
    assertThat(Oracles.murmur3x86("hello".getBytes(StandardCharsets.UTF_8), 0)).isEqualTo(0x248bfa47);
    assertThat(Oracles.murmur3x86("The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8), 0))
        .isEqualTo(0x2e4ff723);

    Random random = new Random(35);
    int buckets = 4;
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("p", DIMS).buckets(buckets).build());
    Map<String, float[]> model = batch(random, DIMS, "k", 0, 200);
    for (int i = 0; i < 20; i++) {
      // in UTF-16 order "\uD83D..." (an emoji) sorts before "\uFF21"; in UTF-8 (file) order after
      model.put(String.format("u%02d\uFF21", i), vector(random, DIMS));
      model.put(String.format("u%02d\uD83D\uDE00", i), vector(random, DIMS));
      model.put(String.format("u%02d\u00e9", i), vector(random, DIMS));
    }
    model.put("ключ", vector(random, DIMS));
    model.put("键", vector(random, DIMS));
    space.multiset(model); // one multiset, no deletes: every row of every file is live

    Set<String> files = Oracles.dataFiles(hubs, hub, "p");
    assertThat(files).hasSizeBetween(2, buckets);
    assertSameEntries(Oracles.unionOfRows(hubs, hub, files, "data files"), model, "plain Parquet rows vs model");
    boolean surrogateOrderChecked = false;
    for (String f : files) {
      Matcher m = Pattern.compile("p/data/bucket=(\\d{4})/[^/]+\\.parquet").matcher(f);
      assertThat(m.matches()).as(f).isTrue();
      int bucket = Integer.parseInt(m.group(1));
      List<Oracles.Row> rows = Oracles.readDataFile(hubs, hub, f);
      Set<String> keys = new HashSet<>();
      for (int i = 0; i < rows.size(); i++) {
        String key = rows.get(i).key();
        keys.add(key);
        assertThat(Oracles.bucketOf(key, buckets)).as("bucket of %s in %s", key, f).isEqualTo(bucket);
        if (i > 0) {
          String previous = rows.get(i - 1).key();
          assertThat(Oracles.utf8Compare(previous, key)).as("%s: %s before %s", f, previous, key).isNegative();
        }
      }
      for (int i = 0; i < 20; i++) {
        surrogateOrderChecked |= keys.contains(String.format("u%02d\uFF21", i)) && keys.contains(String.format("u%02d\uD83D\uDE00", i));
      }
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(hub.root() + "/" + f), hubs.conf()))) {
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        assertThat(schema.getFieldCount()).isEqualTo(2);
        PrimitiveType key = schema.getType("key").asPrimitiveType();
        assertThat(key.getPrimitiveTypeName()).isEqualTo(PrimitiveType.PrimitiveTypeName.BINARY);
        assertThat(key.getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.stringType());
        assertThat(schema.getType("embedding").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.listType());
        assertThat(reader.getRecordCount()).isEqualTo(rows.size());
        for (BlockMetaData block : reader.getFooter().getBlocks()) {
          // keys SNAPPY; the embeddings uncompressed, where an index re-ranks from (VectorLocations)
          assertThat(block.getColumns().get(0).getCodec()).isEqualTo(CompressionCodecName.SNAPPY);
          assertThat(block.getColumns().get(1).getCodec()).isEqualTo(CompressionCodecName.UNCOMPRESSED);
        }
      }
    }
    assertThat(surrogateOrderChecked).as("some file holds both u..\\uFF21 and u..\\uD83D\\uDE00").isTrue();
    assertContents(hubs.reopen(hub).getSpace("p"), model, "space vs model");
  }

  // ---- helpers ----

  /** A data file's rows (read with plain Parquet) and the positions deleted so far. */
  private static final class LiveFile {
    final List<Oracles.Row> rows;
    final Set<Integer> deleted = new HashSet<>();

    LiveFile(List<Oracles.Row> rows) {
      this.rows = rows;
    }

    long liveRows() {
      return rows.size() - deleted.size();
    }
  }

  /** The live rows of all files; each key must have at most one live row (the log's invariant). */
  private static Map<String, float[]> liveRows(Map<String, LiveFile> files, String why) {
    Map<String, float[]> out = new HashMap<>();
    for (LiveFile f : files.values()) {
      for (int i = 0; i < f.rows.size(); i++) {
        if (!f.deleted.contains(i)) {
          Oracles.Row row = f.rows.get(i);
          assertThat(out.put(row.key(), row.vector())).as("%s: two live rows for %s", why, row.key()).isNull();
        }
      }
    }
    return out;
  }

  /** Deletion vector format from docs/ARCHITECTURE.md: base64 of the varint-encoded gaps. */
  private static List<Integer> decodePositions(String encoded) {
    byte[] bytes = Base64.getDecoder().decode(encoded);
    List<Integer> positions = new ArrayList<>();
    int previous = 0;
    int i = 0;
    while (i < bytes.length) {
      int gap = 0;
      int shift = 0;
      while (true) {
        int b = bytes[i++] & 0xff;
        gap |= (b & 0x7f) << shift;
        shift += 7;
        if ((b & 0x80) == 0) {
          break;
        }
      }
      previous += gap;
      positions.add(previous);
    }
    return positions;
  }

  private static String entry(long version) {
    return String.format("s/_log/%020d.json", version);
  }

  private static String checkpoint(long version) {
    return String.format("s/_log/%020d.checkpoint.json", version);
  }

  private static List<Long> versions(List<String> logFiles, Pattern pattern) {
    return logFiles.stream()
        .map(pattern::matcher)
        .filter(Matcher::matches)
        .map(m -> Long.parseLong(m.group(1)))
        .sorted()
        .collect(Collectors.toList());
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

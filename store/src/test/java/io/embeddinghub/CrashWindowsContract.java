package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.testing.FaultyFileIO;
import io.embeddinghub.testing.TestHubs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * What a crash or an I/O failure at each point of a write leaves behind: the space stays readable
 * at its last committed version, leftovers are invisible, and vacuum removes them.
 */
abstract class CrashWindowsContract {
  private final TestHubs hubs;

  CrashWindowsContract(TestHubs hubs) {
    this.hubs = hubs;
  }

  private Map<String, float[]> fill(Space space, int n, int seed) {
    Random random = new Random(seed);
    Map<String, float[]> rows = new HashMap<>();
    for (int i = 0; i < n; i++) {
      rows.put("k" + i, new float[] {random.nextFloat(), random.nextFloat(), random.nextFloat()});
    }
    space.multiset(rows);
    return rows;
  }

  private static void assertContents(Space space, Map<String, float[]> model) {
    assertThat(space.size()).isEqualTo(model.size());
    model.forEach((k, v) -> assertThat(space.get(k)).as(k).containsExactly(v));
  }

  @Test
  void dataFilesWithoutALogEntryAreInvisibleAndVacuumed() {
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("s", 3).buckets(2).build());
    Map<String, float[]> model = fill(space, 50, 1);
    long version = space.version();
    // a writer crashed after writing files, before committing: copy a live file under a new name
    List<String> live = hubs.listFiles(hub, "s/data");
    String orphan = "s/data/bucket=0000/" + UUID.randomUUID() + ".parquet";
    hubs.write(hub, orphan, hubs.read(hub, live.get(0)));
    String orphanIndex = "s/index/bucket=0000/" + UUID.randomUUID() + ".hnsw";
    hubs.write(hub, orphanIndex, new byte[] {1, 2, 3});

    Space reopened = hubs.reopen(hub).getSpace("s");
    assertThat(reopened.version()).isEqualTo(version);
    assertContents(reopened, model);

    VacuumResult result = reopened.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(result.filesDeleted()).isEqualTo(2);
    assertThat(hubs.exists(hub, orphan)).isFalse();
    assertThat(hubs.exists(hub, orphanIndex)).isFalse();
    assertThat(hubs.listFiles(hub, "s/data")).containsExactlyElementsOf(live);
    assertContents(hubs.reopen(hub).getSpace("s"), model);
  }

  @Test
  void aHalfWrittenLogEntryNeverBecomesAVersion() {
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace("s", 3);
    Map<String, float[]> model = fill(space, 10, 2);
    long next = space.version() + 1;
    // a writer crashed while writing its entry: the temporary file exists, half written
    String tmp = String.format("s/_log/.%020d.json.%s.tmp", next, UUID.randomUUID());
    hubs.write(hub, tmp, "{\"formatVersion\":1,\"version\":".getBytes(StandardCharsets.UTF_8));

    Space reopened = hubs.reopen(hub).getSpace("s");
    assertThat(reopened.version()).isEqualTo(next - 1);
    assertContents(reopened, model);
    reopened.set("after", new float[] {1, 1, 1});
    model.put("after", new float[] {1, 1, 1});
    assertThat(reopened.version()).isEqualTo(next);
    assertContents(hubs.reopen(hub).getSpace("s"), model);
    reopened.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(hubs.exists(hub, tmp)).isFalse();
  }

  @Test
  void aTruncatedOrGarbledLogEntryIsACorruptFileNamingIt() {
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace("s", 3);
    fill(space, 5, 3);
    space.set("x", new float[] {1, 2, 3});
    String entry = String.format("s/_log/%020d.json", space.version());
    byte[] bytes = hubs.read(hub, entry);
    hubs.write(hub, entry, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> hubs.reopen(hub).getSpace("s"))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(String.format("%020d.json", space.version() ));
    hubs.write(hub, entry, "{\"formatVersion\":1,\"version\":\"two\"}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> hubs.reopen(hub).getSpace("s"))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(String.format("%020d.json", space.version()));
  }

  @Test
  void aTruncatedOrDamagedDataFileIsACorruptFileNamingIt() {
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("s", 3).buckets(1).build());
    fill(space, 40, 4);
    String file = hubs.listFiles(hub, "s/data").get(0);
    byte[] bytes = hubs.read(hub, file);

    hubs.write(hub, file, java.util.Arrays.copyOf(bytes, bytes.length - 10));
    assertThatThrownBy(() -> hubs.reopen(hub).getSpace("s").get("k1"))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(file.substring(file.lastIndexOf('/') + 1));

    byte[] damaged = bytes.clone();
    for (int i = 8; i < damaged.length / 2; i += 7) {
      damaged[i] ^= (byte) 0xFF;
    }
    hubs.write(hub, file, damaged);
    assertThatThrownBy(() -> hubs.reopen(hub).getSpace("s").get("k1"))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(file.substring(file.lastIndexOf('/') + 1));

    hubs.delete(hub, file);
    assertThatThrownBy(() -> hubs.reopen(hub).getSpace("s").get("k1"))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("missing");
  }

  private EmbeddingHub faultyHub(EmbeddingHub hub, FaultyFileIO[] holder, Configuration conf) throws Exception {
    FaultyFileIO io = new FaultyFileIO(new HadoopFileIO(URI.create(hub.root()), hubs.conf()));
    holder[0] = io;
    return EmbeddingHub.open(io, conf);
  }

  @Test
  void aCommitFailingWithAnUnknownOutcomeChangesNothingVisible() throws Exception {
    EmbeddingHub hub = hubs.newHub();
    Map<String, float[]> model = fill(hub.createSpace("s", 3), 10, 5);
    FaultyFileIO[] io = new FaultyFileIO[1];
    Space space = faultyHub(hub, io, hubs.conf()).getSpace("s");
    long version = space.version();
    io[0].failNextCommits(1);
    assertThatThrownBy(() -> space.set("new", new float[] {1, 2, 3}))
        .isInstanceOf(EmbeddingHubException.class)
        .hasMessageContaining("unknown outcome");
    assertThat(space.version()).isEqualTo(version);
    assertContents(hubs.reopen(hub).getSpace("s"), model);
    // the next write works
    space.set("new", new float[] {1, 2, 3});
    model.put("new", new float[] {1, 2, 3});
    assertContents(hubs.reopen(hub).getSpace("s"), model);
  }

  @Test
  void lostRacesAreRetriedAndGivingUpDeletesTheWritersFiles() throws Exception {
    EmbeddingHub hub = hubs.newHub();
    Map<String, float[]> model = fill(hub.createSpace("s", 3), 10, 6);
    Configuration conf = hubs.conf();
    conf.setInt(HubProperties.COMMIT_MAX_ATTEMPTS, 3);
    FaultyFileIO[] io = new FaultyFileIO[1];
    Space space = faultyHub(hub, io, conf).getSpace("s");

    io[0].loseNextRaces(2);
    space.set("retried", new float[] {4, 5, 6});
    model.put("retried", new float[] {4, 5, 6});
    assertContents(hubs.reopen(hub).getSpace("s"), model);

    List<String> filesBefore = hubs.listFiles(hub, "s/data");
    long version = space.version();
    io[0].loseNextRaces(3);
    assertThatThrownBy(() -> space.multiset(Map.of("given-up", new float[] {7, 8, 9})))
        .isInstanceOf(CommitConflictException.class)
        .hasMessageContaining("3 attempts");
    assertThat(hubs.listFiles(hub, "s/data")).containsExactlyElementsOf(filesBefore);
    assertThat(hubs.reopen(hub).getSpace("s").version()).isEqualTo(version);
    assertContents(hubs.reopen(hub).getSpace("s"), model);
  }

  @Test
  void vacuumNeverDeletesFilesOfRetainedVersionsOrForks() {
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace(SpaceSpec.builder("s", 3).buckets(2).build());
    Map<String, float[]> v1 = fill(space, 30, 7);
    long firstVersion = space.version();
    Space fork = space.fork("f");
    Map<String, float[]> later = new HashMap<>(v1);
    for (int i = 0; i < 30; i += 2) {
      space.set("k" + i, new float[] {i, i, i});
      later.put("k" + i, new float[] {i, i, i});
    }
    space.optimize();
    // long retention: every version stays readable
    assertThat(space.vacuum(Duration.ofDays(1)).filesDeleted()).isZero();
    assertContents(space.snapshot(firstVersion).download().writeTo(hub, "check-old"), v1);
    // zero retention: old versions expire, but the fork keeps its files
    VacuumResult result = space.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(result.versionsExpired()).isPositive();
    assertThatThrownBy(() -> space.snapshot(firstVersion)).isInstanceOf(VersionNotFoundException.class);
    assertContents(hubs.reopen(hub).getSpace("s"), later);
    assertContents(hubs.reopen(hub).getSpace("f"), v1);
    // dropping the parent keeps what the fork needs; dropping the fork too frees everything
    hub.dropSpace("s");
    assertContents(hubs.reopen(hub).getSpace("f"), v1);
    hub.dropSpace("f");
    hub.vacuum(Duration.ZERO, VacuumOptions.withoutRetentionCheck());
    assertThat(hubs.listFiles(hub, "s")).isEmpty();
    assertThat(hubs.listFiles(hub, "f")).isEmpty();
    assertThat(new ArrayList<>(hub.listSpaces())).containsExactly("check-old");
  }
}

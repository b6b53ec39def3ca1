package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.io.AtomicCreate;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.testing.AdlsLikeFileSystem;
import io.embeddinghub.testing.CommitRace;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Commits on {@code abfs:} ({@link AtomicCreate#RENAME_IF_NONE_MATCH}), against {@link
 * AdlsLikeFileSystem}, hadoop-azure's create and rename semantics over the local disk (no ADLS
 * server runs here): of writers racing for one name exactly one wins and its bytes are stored; a
 * rename that landed but answered {@code false} (a lost response) is still a win; an overwrite
 * replaces other bytes and keeps the same ones in place; and an account without a hierarchical
 * namespace refuses writes, naming what would make them safe, and leaves the store untouched.
 */
class AdlsCommitTest {
  private static final int DIMS = 4;

  @AfterEach
  void noLostResponsesLeft() {
    AdlsLikeFileSystem.LOST_RENAME_RESPONSES.set(0);
  }

  private static String newRoot() throws Exception {
    Path base = Files.createDirectories(Path.of("target", "adls-like").toAbsolutePath());
    return AdlsLikeFileSystem.SCHEME + ":" + Files.createTempDirectory(base, "commit").toAbsolutePath();
  }

  /** A client of the hub at {@code root}, with its {@code log/} directory made. */
  private static HadoopFileIO logIo(String root) throws Exception {
    HadoopFileIO io = new HadoopFileIO(URI.create(root), AdlsLikeFileSystem.conf());
    io.mkdirs("log");
    return io;
  }

  private static Configuration flatNamespace() {
    Configuration conf = AdlsLikeFileSystem.conf();
    conf.setBoolean(AdlsLikeFileSystem.NAMESPACE, false);
    return conf;
  }

  @Test
  void aHierarchicalNamespaceCommitsByRenameAndAFlatOneHasNoAtomicCreate() throws Exception {
    assertThat(new HadoopFileIO(URI.create(newRoot()), AdlsLikeFileSystem.conf()).atomicCreate())
        .isEqualTo(AtomicCreate.RENAME_IF_NONE_MATCH);
    assertThat(new HadoopFileIO(URI.create(newRoot()), flatNamespace()).atomicCreate()).isEqualTo(AtomicCreate.NONE);
  }

  @Test
  void ofWritersRacingForOneNameExactlyOneWinsAndItsBytesAreStored() throws Exception {
    String root = newRoot();
    List<HadoopFileIO> ios = new ArrayList<>();
    for (int w = 0; w < 6; w++) {
      ios.add(new HadoopFileIO(URI.create(root), AdlsLikeFileSystem.conf()));
    }
    CommitRace.exactlyOneWinsEachRound(ios, 20);
    assertThat(temporaryFilesUnder(root)).as("temporary files left in the log").isEmpty();
  }

  @Test
  void aRenameThatLandedButAnsweredFalseIsAWinAndATakenNameIsNot() throws Exception {
    String root = newRoot();
    HadoopFileIO io = logIo(root);
    byte[] ours = "our entry".getBytes(StandardCharsets.UTF_8);
    AdlsLikeFileSystem.LOST_RENAME_RESPONSES.set(1);
    assertThat(io.putIfAbsent("log/0.json", ours)).as("landed, response lost").isTrue();
    assertThat(AdlsLikeFileSystem.LOST_RENAME_RESPONSES.get()).as("the lost response was exercised").isZero();
    assertThat(io.read("log/0.json")).isEqualTo(ours);

    HadoopFileIO other = new HadoopFileIO(URI.create(root), AdlsLikeFileSystem.conf());
    assertThat(other.putIfAbsent("log/0.json", "their entry".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(io.read("log/0.json")).isEqualTo(ours);
    assertThat(temporaryFilesUnder(root)).isEmpty();
  }

  @Test
  void overwriteReplacesAFileHoldingOtherBytesAndKeepsOneHoldingTheSame() throws Exception {
    String root = newRoot();
    HadoopFileIO io = logIo(root);
    byte[] checkpoint = "{\"version\":3}".getBytes(StandardCharsets.UTF_8);
    io.overwrite("log/_last_checkpoint", checkpoint);
    Path file = Path.of(URI.create(root).getPath(), "log", "_last_checkpoint");
    Object before = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    io.overwrite("log/_last_checkpoint", checkpoint);
    assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey())
        .as("the same bytes: the file is kept, never missing").isEqualTo(before);

    io.overwrite("log/_last_checkpoint", "{\"version\":17}".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(io.read("log/_last_checkpoint"), StandardCharsets.UTF_8)).isEqualTo("{\"version\":17}");
    assertThat(temporaryFilesUnder(root)).isEmpty();
  }

  @Test
  void spacesOnAHierarchicalNamespaceKeepEveryWriteAcrossHubsAndCheckpoints() throws Exception {
    String root = newRoot();
    Configuration conf = AdlsLikeFileSystem.conf();
    conf.setInt(HubProperties.CHECKPOINT_INTERVAL, 3);
    Space space = EmbeddingHub.open(root, conf).createSpace("items", DIMS);
    Space other = EmbeddingHub.open(root, conf).getSpace("items");
    for (int i = 0; i < 8; i++) {
      (i % 2 == 0 ? space : other).set("k" + i, new float[] {i, 0, 0, 1});
    }
    Space reopened = EmbeddingHub.open(root, AdlsLikeFileSystem.conf()).getSpace("items");
    for (int i = 0; i < 8; i++) {
      assertThat(reopened.get("k" + i)).containsExactly(i, 0, 0, 1);
    }
    assertThat(reopened.history()).hasSize(9);
  }

  @Test
  void aFlatNamespaceRefusesWritesNamingTheRemedyAndLeavesTheStoreUntouched() throws Exception {
    String root = newRoot();
    Space space = EmbeddingHub.open(root, AdlsLikeFileSystem.conf()).createSpace("items", DIMS);
    space.set("a", new float[] {1, 2, 3, 4});
    List<String> before = filesUnder(root);

    EmbeddingHub flat = EmbeddingHub.open(root, flatNamespace());
    Space same = flat.getSpace("items");
    assertThatThrownBy(() -> same.set("b", new float[] {0, 0, 0, 1}))
        .isInstanceOf(UnsafeStoreException.class)
        .hasMessageContaining("items")
        .hasMessageContaining("hierarchical namespace")
        .hasMessageContaining(HubProperties.COMMIT_SINGLE_WRITER);
    assertThat(filesUnder(root)).isEqualTo(before);
    assertThat(same.get("a")).as("reading needs no atomic create").containsExactly(1, 2, 3, 4);
  }

  private static List<String> filesUnder(String root) throws Exception {
    Path dir = Path.of(URI.create(root).getPath());
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  private static List<String> temporaryFilesUnder(String root) throws Exception {
    return filesUnder(root).stream().filter(name -> name.endsWith(".tmp")).toList();
  }
}

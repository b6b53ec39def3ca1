package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.io.AtomicCreate;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.testing.CommitRace;
import io.embeddinghub.testing.MiniS3;
import io.embeddinghub.testing.TestHubs;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commits on S3 (through S3A, against the in-process s3proxy): the put-if-absent a log commit
 * stands on is a conditional PUT that exactly one of many racing writers wins; where the file
 * system offers no atomic create, writes are refused before anything is stored, unless the hub is
 * declared single-writer.
 */
@Tag("slow")
class ObjectStoreCommitTest {
  private static final int DIMS = 4;

  private static String newRoot() {
    return MiniS3.bucketUri() + "/commit-" + UUID.randomUUID();
  }

  /** S3A with conditional creates switched off: what an older S3A, or a store without them, offers. */
  private static Configuration withoutConditionalPut() {
    Configuration conf = MiniS3.conf();
    conf.setBoolean("fs.s3a.create.conditional.enabled", false);
    conf.setBoolean("fs.s3a.impl.disable.cache", true);
    return conf;
  }

  @Test
  void eachFileSystemGetsItsAtomicCreate(@TempDir Path dir) throws Exception {
    assertThat(new HadoopFileIO(URI.create(newRoot()), MiniS3.conf()).atomicCreate())
        .isEqualTo(AtomicCreate.CONDITIONAL_PUT);
    assertThat(new HadoopFileIO(URI.create(newRoot()), withoutConditionalPut()).atomicCreate())
        .isEqualTo(AtomicCreate.NONE);
    assertThat(new HadoopFileIO(dir.toUri(), new Configuration()).atomicCreate())
        .isEqualTo(AtomicCreate.HARD_LINK);
  }

  @Test
  void ofWritersRacingForOneNameExactlyOneWinsAndItsBytesAreStored() throws Exception {
    String root = newRoot();
    int writers = 6;
    List<HadoopFileIO> ios = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Configuration conf = MiniS3.conf();
      conf.setBoolean("fs.s3a.impl.disable.cache", true); // a client per writer, as separate processes have
      ios.add(new HadoopFileIO(URI.create(root), conf));
    }
    CommitRace.exactlyOneWinsEachRound(ios, 10);
  }

  @Test
  void withoutAnAtomicCreateWritesAreRefusedAndLeaveTheStoreUntouched() throws Exception {
    String root = newRoot();
    TestHubs s3 = TestHubs.s3();
    EmbeddingHub safe = EmbeddingHub.open(root, MiniS3.conf());
    Space space = safe.createSpace("items", DIMS);
    Map<String, float[]> model = new HashMap<>();
    model.put("a", new float[] {1, 2, 3, 4});
    model.put("b", new float[] {5, 6, 7, 8});
    space.multiset(model);

    EmbeddingHub unsafe = EmbeddingHub.open(root, withoutConditionalPut());
    Space same = unsafe.getSpace("items");
    List<String> before = s3.listFiles(safe, "");
    assertThatThrownBy(() -> same.set("c", new float[] {0, 0, 0, 1}))
        .isInstanceOf(UnsafeStoreException.class)
        .hasMessageContaining("items")
        .hasMessageContaining("fs.s3a.create.conditional.enabled")
        .hasMessageContaining(HubProperties.COMMIT_SINGLE_WRITER);
    assertThatThrownBy(() -> unsafe.createSpace("other", DIMS))
        .isInstanceOf(UnsafeStoreException.class)
        .hasMessageContaining("other");
    assertThat(s3.listFiles(safe, "")).isEqualTo(before);

    // reading needs no atomic create
    assertThat(same.get("a")).containsExactly(model.get("a"));
    assertThat(same.find("c")).isEmpty();
    assertThat(same.version()).isEqualTo(space.version());
  }

  @Test
  void aHubDeclaredSingleWriterAcceptsCommitsWithoutAnAtomicCreate() {
    String root = newRoot();
    Configuration conf = withoutConditionalPut();
    conf.setBoolean(HubProperties.COMMIT_SINGLE_WRITER, true);
    Space space = EmbeddingHub.open(root, conf).createSpace("items", DIMS);
    space.set("a", new float[] {1, 2, 3, 4});
    space.set("a", new float[] {4, 3, 2, 1});
    space.delete("a");
    space.set("b", new float[] {1, 1, 1, 1});
    Space reopened = EmbeddingHub.open(root, MiniS3.conf()).getSpace("items");
    assertThat(reopened.find("a")).isEmpty();
    assertThat(reopened.get("b")).containsExactly(1, 1, 1, 1);
    assertThat(reopened.history()).hasSize(5);
  }
}

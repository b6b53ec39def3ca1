package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.io.AtomicCreate;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.testing.CommitRace;
import io.embeddinghub.testing.GcsLikeFileSystem;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Commits on {@code gs:} ({@link AtomicCreate#GENERATION_MATCH}), against {@link
 * GcsLikeFileSystem}, the GCS connector's create and upload semantics over the local disk (no GCS
 * server runs here): of writers racing for one name exactly one wins and its bytes are stored, and
 * an interrupt of the committing thread neither cuts the upload nor is lost.
 */
class GcsCommitTest {
  private static String newRoot() throws Exception {
    Path base = Files.createDirectories(Path.of("target", "gcs-like").toAbsolutePath());
    return GcsLikeFileSystem.SCHEME + ":" + Files.createTempDirectory(base, "commit").toAbsolutePath();
  }

  @Test
  void gsCommitsByAnUploadWithAGenerationPrecondition() throws Exception {
    assertThat(new HadoopFileIO(URI.create(newRoot()), GcsLikeFileSystem.conf()).atomicCreate())
        .isEqualTo(AtomicCreate.GENERATION_MATCH);
  }

  @Test
  void ofWritersRacingForOneNameExactlyOneWinsAndItsBytesAreStored() throws Exception {
    String root = newRoot();
    int writers = 6;
    List<HadoopFileIO> ios = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      ios.add(new HadoopFileIO(URI.create(root), GcsLikeFileSystem.conf()));
    }
    CommitRace.exactlyOneWinsEachRound(ios, 20);
  }

  @Test
  void anInterruptedCommitStillUploadsWholeAndKeepsTheInterrupt() throws Exception {
    HadoopFileIO io = new HadoopFileIO(URI.create(newRoot()), GcsLikeFileSystem.conf());
    io.mkdirs("log");
    byte[] content = "an entry".getBytes(StandardCharsets.UTF_8);
    Thread.currentThread().interrupt();
    boolean won;
    boolean stillInterrupted;
    try {
      won = io.putIfAbsent("log/0.json", content);
    } finally {
      stillInterrupted = Thread.interrupted();
    }
    assertThat(won).isTrue();
    assertThat(stillInterrupted).as("the caller's interrupt is kept").isTrue();
    assertThat(io.read("log/0.json")).isEqualTo(content);
    assertThat(io.putIfAbsent("log/0.json", "another".getBytes(StandardCharsets.UTF_8))).as("the name is taken").isFalse();
    assertThat(io.read("log/0.json")).isEqualTo(content);
  }
}

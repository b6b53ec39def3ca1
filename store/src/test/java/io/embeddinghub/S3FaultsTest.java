package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.testing.MiniS3;
import io.embeddinghub.testing.S3Faults;
import io.embeddinghub.testing.S3Faults.When;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Commits on S3 when the server answers errors: throttling (503 SlowDown) and server errors are
 * retried, a response lost after the log entry was stored still reports the commit (the entry
 * read back holds this writer's bytes), and a refused PUT whose entry is absent reports an
 * unknown outcome without losing or half-applying anything. Each case checks the space against
 * what was acknowledged, from a fresh hub.
 */
@Tag("slow")
class S3FaultsTest {
  private static final String ENTRY = ".*/_log/\\d{20}\\.json";
  private static final String DATA = ".*/data/.*\\.parquet";

  @AfterEach
  void clearFaults() {
    S3Faults.clear();
  }

  private static Configuration conf() {
    Configuration conf = MiniS3.conf();
    conf.setInt("fs.s3a.attempts.maximum", 1); // the SDK's own retries off: S3A's policy decides
    return conf;
  }

  /**
   * {@link #conf()} with S3A settings of a test's own ({@code name, value, …}), on an S3A instance
   * of its own: S3A caches one per bucket, so without it the settings would silently not apply.
   */
  private static Configuration confWith(String... settings) {
    Configuration conf = conf();
    for (int i = 0; i < settings.length; i += 2) {
      conf.set(settings[i], settings[i + 1]);
    }
    conf.setBoolean("fs.s3a.impl.disable.cache", true);
    return conf;
  }

  /** A new space "s" under a new root, holding one row "base". */
  private static Space newSpace(Configuration conf, SpaceSpec spec) {
    String root = MiniS3.bucketUri() + "/faults-" + UUID.randomUUID();
    Space space = EmbeddingHub.open(root, conf).createSpace(spec);
    space.set("base", new float[spec.dimensions()]);
    return space;
  }

  private static Space newSpace() {
    return newSpace(conf(), SpaceSpec.builder("s", 2).build());
  }

  private static Space reopened(Space space, Configuration conf) {
    return EmbeddingHub.open(space.hub().root(), conf).getSpace("s");
  }

  private static Space reopened(Space space) {
    return reopened(space, conf());
  }

  @Test
  void throttledAndFailingPutsAreRetried() {
    Space space = newSpace();
    int before = S3Faults.injected();
    S3Faults.failPuts(ENTRY, 503, When.INSTEAD_OF_PUT, 2);
    S3Faults.failPuts(DATA, 500, When.INSTEAD_OF_PUT, 1);
    space.set("a", new float[] {1, 2});
    assertThat(S3Faults.injected() - before).isEqualTo(3);
    Space fresh = reopened(space);
    assertThat(fresh.get("a")).containsExactly(1, 2);
    assertThat(fresh.history()).hasSize(3);
  }

  @Test
  void aCommitWhoseResponseWasLostIsReportedAndAppliedOnce() {
    Space space = newSpace();
    int before = S3Faults.injected();
    S3Faults.failPuts(ENTRY, 500, When.AFTER_PUT, 1);
    space.set("a", new float[] {1, 2});
    assertThat(S3Faults.injected() - before).isEqualTo(1);
    space.set("b", new float[] {3, 4});
    Space fresh = reopened(space);
    assertThat(fresh.get("a")).containsExactly(1, 2);
    assertThat(fresh.get("b")).containsExactly(3, 4);
    assertThat(fresh.history()).extracting(VersionInfo::version).containsExactly(0L, 1L, 2L, 3L);
  }

  @Test
  void aRefusedPutWithNoEntryStoredIsAnUnknownOutcomeAndNothingIsApplied() {
    Space space = newSpace();
    S3Faults.failPuts(ENTRY, 412, When.INSTEAD_OF_PUT, 1);
    assertThatThrownBy(() -> space.set("a", new float[] {1, 2}))
        .isInstanceOf(EmbeddingHubException.class)
        .hasMessageContaining("unknown outcome");
    Space fresh = reopened(space);
    assertThat(fresh.find("a")).isEmpty();
    assertThat(fresh.history()).hasSize(2);
    fresh.set("a", new float[] {5, 6}); // the next write takes the version
    assertThat(reopened(space).get("a")).containsExactly(5, 6);
  }

  @Test
  void aCommitAnsweredAfterTheRequestTimeoutIsReportedAndAppliedOnce() {
    Configuration conf = confWith("fs.s3a.connection.request.timeout", "15s"); // S3A's floor for request timeouts
    Space space = newSpace(conf, SpaceSpec.builder("s", 2).build());
    int before = S3Faults.injected();
    S3Faults.answerLate(ENTRY, 25_000, 1); // stored at once, answered after the client gave up
    long start = System.nanoTime();
    space.set("a", new float[] {1, 2});
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertThat(S3Faults.injected() - before).isEqualTo(1);
    assertThat(seconds).as("the client timed out instead of waiting for the answer").isLessThan(24);
    space.set("b", new float[] {3, 4});
    Space fresh = reopened(space, conf);
    assertThat(fresh.get("a")).containsExactly(1, 2);
    assertThat(fresh.get("b")).containsExactly(3, 4);
    assertThat(fresh.history()).extracting(VersionInfo::version).containsExactly(0L, 1L, 2L, 3L);
  }

  @Test
  void aDataFileWhoseMultipartUploadFailsFailsTheWriteAndLeavesTheSpaceAsItWas() {
    // S3A's smallest part size: a 7 MB file goes in two parts
    Configuration conf = confWith("fs.s3a.multipart.threshold", "5M", "fs.s3a.multipart.size", "5M",
        "fs.s3a.retry.limit", "2");
    Space space = newSpace(conf, SpaceSpec.builder("s", 64).buckets(1).build());
    java.util.Map<String, float[]> rows = new java.util.LinkedHashMap<>();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 30_000; i++) {
      float[] v = new float[64];
      for (int d = 0; d < v.length; d++) {
        v[d] = random.nextFloat();
      }
      rows.put("k" + i, v);
    }
    int before = S3Faults.injected();
    S3Faults.failParts(DATA, 500, 1_000); // every attempt at every part
    assertThatThrownBy(() -> space.multiset(rows)).isInstanceOf(EmbeddingHubException.class);
    assertThat(S3Faults.injected() - before).isPositive();
    S3Faults.clear();
    Space fresh = reopened(space, conf);
    assertThat(fresh.size()).isEqualTo(1);
    assertThat(fresh.find("k0")).isEmpty();
    assertThat(fresh.history()).hasSize(2);
    fresh.multiset(rows); // the same write, once the store accepts parts again
    Space after = reopened(space, conf);
    assertThat(after.size()).isEqualTo(30_001);
    assertThat(after.get("k29999")).containsExactly(rows.get("k29999"));
  }
}

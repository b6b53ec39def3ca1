package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.testing.MiniS3;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The S3 requests each operation makes (S3A's own statistics, against the in-process server),
 * printed as a table for docs/RELIABILITY.md, with upper bounds on the hot paths so that a change
 * that adds requests to them fails here.
 */
@Tag("slow")
class S3RequestCountsTest {
  private static final int DIMS = 16;
  private static final String[] COUNTERS = {
    "object_list_request", "action_http_head_request", "action_http_get_request", "object_put_request",
    "object_delete_request", "object_bulk_delete_request", "object_copy_requests"};

  @Test
  void requestsPerOperation() throws Exception {
    String root = MiniS3.bucketUri() + "/requests-" + UUID.randomUUID();
    Configuration conf = MiniS3.conf();
    // no background index build: its requests would land in another operation's count
    conf.setLong(HubProperties.INDEX_AUTO_TAIL_ROWS, Long.MAX_VALUE);
    // a file system instance of the hub's own, so that no other test's requests are counted
    conf.setBoolean("fs.s3a.impl.disable.cache", true);
    io.embeddinghub.io.HadoopFileIO io = new io.embeddinghub.io.HadoopFileIO(URI.create(root), conf);
    io.mkdirs("");
    EmbeddingHub hub = EmbeddingHub.open(io, conf);
    Random random = new Random(7);
    Map<String, Map<String, Long>> table = new LinkedHashMap<>();
    Space space = hub.createSpace("items", DIMS);
    List<String> keys = new ArrayList<>();
    Map<String, float[]> bulk = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      String key = "k" + i;
      keys.add(key);
      bulk.put(key, vector(random));
    }
    StatsProbe probe = new StatsProbe(io.fileSystem());
    table.put("bulk load 20,000 rows", probe.measure(() -> space.multiset(bulk.entrySet().iterator())));
    table.put("set (1 key)", probe.measure(() -> space.set("k1", vector(random))));
    table.put("get (1 key)", probe.measure(() -> space.get("k2")));
    table.put("get again", probe.measure(() -> space.get("k3")));
    List<String> sample = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      sample.add(keys.get(random.nextInt(keys.size())));
    }
    table.put("multiget 1,000 keys", probe.measure(() -> space.multiget(sample)));
    // a newly opened hub: empty caches, so the data files are point-read
    table.put("get (1 key), new hub", probe.measure(() -> EmbeddingHub.open(io, conf).getSpace("items").get("k4")));
    table.put("multiget 1,000 keys, new hub",
        probe.measure(() -> EmbeddingHub.open(io, conf).getSpace("items").multiget(sample)));
    table.put("nearest 10 by vector (unindexed)", probe.measure(() -> space.nearestNeighbors(10, vector(random))));
    table.put("buildIndex", probe.measure(space::buildIndex));
    table.put("nearest 10 by vector (indexed)", probe.measure(() -> space.nearestNeighbors(10, vector(random))));
    table.put("nearest 10 again", probe.measure(() -> space.nearestNeighbors(10, vector(random))));
    table.put("optimize", probe.measure(space::optimize));
    long caughtUpFrom = space.version();
    Space other = EmbeddingHub.open(io, conf).getSpace("items");
    for (int i = 0; i < 10; i++) {
      other.delete(keys.get(i)); // ten versions committed by another hub
    }
    table.put("catch up on 10 versions", probe.measure(space::version));
    long versionsCaughtUp = space.version() - caughtUpFrom;
    table.put("get after catching up", probe.measure(() -> space.get("k100")));
    table.put("vacuum", probe.measure(() -> space.vacuum(java.time.Duration.ZERO, VacuumOptions.withoutRetentionCheck())));
    StringBuilder out = new StringBuilder("| operation |");
    for (String c : COUNTERS) {
      out.append(' ').append(c).append(" |");
    }
    out.append('\n');
    table.forEach((op, counts) -> {
      out.append("| ").append(op).append(" |");
      for (String c : COUNTERS) {
        out.append(' ').append(counts.getOrDefault(c, 0L)).append(" |");
      }
      out.append('\n');
    });
    FileSystem fs = io.fileSystem();
    org.apache.hadoop.fs.Path probe0 = new org.apache.hadoop.fs.Path(root + "/absent");
    out.append("\nlatency against the loopback server, median of 20 (ms): one raw S3A HEAD ")
        .append(medianMillis(() -> {
          try {
            fs.getFileStatus(probe0);
          } catch (java.io.FileNotFoundException expected) {
            // the HEAD (and LIST) of an absent object
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }))
        .append(" (HEAD + LIST)");
    out.append(", ");
    out.append("get ").append(medianMillis(() -> space.get(keys.get(random.nextInt(keys.size())))));
    out.append(", set ").append(medianMillis(() -> space.set("k" + random.nextInt(100), vector(random))));
    out.append(", multiget 1,000 keys ").append(medianMillis(() -> space.multiget(sample)));
    System.out.println("S3 REQUESTS\n" + out);

    // reads: one GET (the probe for a newer version, a 404), no LIST, nothing else once cached
    for (String read : List.of("get again", "multiget 1,000 keys", "nearest 10 again")) {
      assertThat(table.get(read)).as(read)
          .containsEntry("object_list_request", 0L).containsEntry("action_http_head_request", 0L)
          .containsEntry("action_http_get_request", 1L);
    }
    // a single-key write: the data file and the log entry, two PUTs, and few probes
    Map<String, Long> set = table.get("set (1 key)");
    assertThat(set).containsEntry("object_put_request", 2L);
    assertThat(set.get("object_list_request") + set.get("action_http_head_request") + set.get("action_http_get_request"))
        .isLessThanOrEqualTo(5);
    // a cold point read of a file: its tail once (checked, then kept: footer, page indexes and
    // bloom filters served from it), then the pages; about 60 GETs for these 8 files before
    assertThat(table.get("multiget 1,000 keys, new hub").get("action_http_get_request"))
        .as("cold multiget GETs: the log's, then about 2 per file").isLessThanOrEqualTo(8 * 2 + 10);
    // catching up: a log entry another writer committed is one GET (no status request first)
    assertThat(table.get("catch up on 10 versions"))
        .containsEntry("object_list_request", 0L).containsEntry("action_http_head_request", 0L)
        .containsEntry("action_http_get_request", versionsCaughtUp + 1);
    System.out.println("versions caught up: " + versionsCaughtUp);
  }

  private static String medianMillis(Runnable op) {
    long[] nanos = new long[20];
    for (int i = 0; i < nanos.length; i++) {
      long t = System.nanoTime();
      op.run();
      nanos[i] = System.nanoTime() - t;
    }
    java.util.Arrays.sort(nanos);
    return String.format("%.1f", nanos[nanos.length / 2] / 1e6);
  }

  private static float[] vector(Random random) {
    float[] v = new float[DIMS];
    for (int d = 0; d < DIMS; d++) {
      v[d] = random.nextFloat();
    }
    return v;
  }

  /**
   * Deltas of the hub file system's request counters around one operation: the instance's own
   * IOStatistics (its storage statistics may be another instance's, registered first in the JVM).
   */
  private static final class StatsProbe {
    private final org.apache.hadoop.fs.statistics.IOStatistics stats;

    StatsProbe(FileSystem fs) {
      this.stats = org.apache.hadoop.fs.statistics.IOStatisticsSupport.retrieveIOStatistics(fs);
    }

    Map<String, Long> measure(Runnable op) {
      Map<String, Long> before = snapshot();
      op.run();
      Map<String, Long> after = snapshot();
      Map<String, Long> delta = new LinkedHashMap<>();
      for (String c : COUNTERS) {
        delta.put(c, after.getOrDefault(c, 0L) - before.getOrDefault(c, 0L));
      }
      return delta;
    }

    private Map<String, Long> snapshot() {
      return new HashMap<>(stats.counters());
    }
  }
}

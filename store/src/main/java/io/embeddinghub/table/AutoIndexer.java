package io.embeddinghub.table;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes spaces in the background after embedded writes leave an unindexed tail of at least
 * {@link io.embeddinghub.HubProperties#INDEX_AUTO_TAIL_ROWS} rows: one daemon thread per hub, at
 * most one pending build per space (a build indexes the whole tail, so requests coalesce). Writes
 * never wait for it; queries search the tail exactly meanwhile. A build that fails (a concurrent
 * optimize, say) is logged and left to the next write.
 */
final class AutoIndexer {
  private static final Logger LOG = LoggerFactory.getLogger(AutoIndexer.class);

  private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
  private volatile ExecutorService thread;

  /** Schedules a build of {@code engine}'s space unless one is already pending. */
  void schedule(SpaceEngine engine) {
    pending.computeIfAbsent(engine.name(), space -> CompletableFuture.runAsync(() -> {
      try {
        engine.buildIndexNow();
      } catch (RuntimeException e) {
        LOG.warn("Background index build of space '{}' failed; the next write retries: {}", space, e.toString());
      } finally {
        pending.remove(space);
      }
    }, executor()));
  }

  /** Waits until no background build of {@code space} is pending. */
  void await(String space) {
    CompletableFuture<Void> build = pending.get(space);
    while (build != null) {
      build.join();
      build = pending.get(space);
    }
  }

  private ExecutorService executor() {
    if (thread == null) {
      synchronized (this) {
        if (thread == null) {
          thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "embeddinghub-auto-index");
            t.setDaemon(true);
            return t;
          });
        }
      }
    }
    return thread;
  }
}

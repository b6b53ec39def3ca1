package io.embeddinghub.table;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs index builds in the background (after embedded writes leave an unindexed tail past
 * {@link io.embeddinghub.HubProperties#INDEX_AUTO_TAIL_ROWS}: {@code engine.AfterWrite}): one
 * daemon thread per hub, at most one pending build per space (a build indexes the whole tail, so
 * requests coalesce). Writes
 * never wait for it; queries search the tail exactly meanwhile. A build that fails (a concurrent
 * optimize, say) is logged and left to the next write.
 */
public final class AutoIndexer {
  private static final Logger LOG = LoggerFactory.getLogger(AutoIndexer.class);

  private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
  private volatile ExecutorService thread;

  /** Schedules {@code build} of {@code space} unless one is already pending. */
  public void schedule(String space, Runnable build) {
    pending.computeIfAbsent(space, s -> CompletableFuture.runAsync(() -> {
      try {
        build.run();
      } catch (RuntimeException e) {
        LOG.warn("Background index build of space '{}' failed; the next write retries: {}", space, e.toString());
      } finally {
        pending.remove(space);
      }
    }, executor()));
  }

  /** Waits until no background build of {@code space} is pending. */
  public void await(String space) {
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

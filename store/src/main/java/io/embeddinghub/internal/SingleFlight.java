package io.embeddinghub.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * At most one load per key at a time: a caller that finds a load of its key running waits for
 * that load's result (or its exception) instead of starting another. Thread-safe.
 */
public final class SingleFlight<V> {
  private final ConcurrentHashMap<String, CompletableFuture<V>> running = new ConcurrentHashMap<>();

  /** Whether a load of {@code key} is running; if so, waits for it and returns its value, else null. */
  public V awaitRunning(String key) {
    CompletableFuture<V> load = running.get(key);
    return load == null ? null : join(load);
  }

  /** Runs {@code loader} for {@code key}, or waits for the load of {@code key} already running. */
  public V load(String key, Supplier<V> loader) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> other = running.putIfAbsent(key, mine);
    if (other != null) {
      return join(other);
    }
    try {
      V value = loader.get();
      mine.complete(value);
      return value;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      running.remove(key, mine);
    }
  }

  private static <V> V join(CompletableFuture<V> load) {
    try {
      return load.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }
}

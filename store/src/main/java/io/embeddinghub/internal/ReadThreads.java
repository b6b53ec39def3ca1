package io.embeddinghub.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Runs the independent reads of one call (the files of a key lookup) side by side on JVM-wide
 * daemon threads. The calling thread takes part: it claims tasks like the helpers do, and waits
 * only for tasks a running helper has already claimed, so a call never waits on a saturated or
 * nested pool (it then runs every task itself) and no thread outlives its idle timeout.
 */
public final class ReadThreads {
  /** Helper threads in this JVM at most, shared by every hub; a call uses at most its parallelism. */
  private static final int MAX_THREADS = 64;

  private static final ThreadPoolExecutor POOL = pool();

  private ReadThreads() {}

  private static ThreadPoolExecutor pool() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(
        MAX_THREADS, MAX_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "embeddinghub-read-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * The results of {@code tasks}, in task order, computed by at most {@code parallelism} threads
   * including the caller's. The first task that failed decides the exception, thrown once every
   * claimed task has finished: an unchecked exception as it is, an {@link IOException} wrapped
   * in an {@link UncheckedIOException}.
   */
  public static <T> List<T> map(List<? extends Callable<T>> tasks, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1: " + parallelism);
    }
    int n = tasks.size();
    AtomicReferenceArray<T> results = new AtomicReferenceArray<>(n);
    AtomicReferenceArray<Throwable> failures = new AtomicReferenceArray<>(n);
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    Runnable worker = () -> {
      for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
        try {
          results.set(i, tasks.get(i).call());
        } catch (Throwable t) {
          failures.set(i, t);
        } finally {
          done.countDown();
        }
      }
    };
    for (int h = 1; h < Math.min(parallelism, n); h++) {
      try {
        POOL.execute(worker);
      } catch (RejectedExecutionException e) {
        break; // the caller runs what no helper claims
      }
    }
    worker.run();
    boolean interrupted = false;
    while (true) {
      try {
        done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // claimed tasks are running: wait for them, then restore the flag
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Throwable failure = failures.get(i);
      if (failure != null) {
        throw rethrown(failure);
      }
      out.add(results.get(i));
    }
    return out;
  }

  private static RuntimeException rethrown(Throwable failure) {
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure instanceof IOException e) {
      return new UncheckedIOException(e);
    }
    return new IllegalStateException(failure);
  }
}

package io.embeddinghub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ReadThreadsTest {
  @Test
  void resultsComeInTaskOrder() {
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int value = i;
      tasks.add(() -> value * value);
    }
    List<Integer> squares = ReadThreads.map(tasks, 8);
    for (int i = 0; i < 100; i++) {
      assertEquals(i * i, squares.get(i));
    }
  }

  @Test
  void parallelismOneRunsEveryTaskOnTheCaller() {
    Thread caller = Thread.currentThread();
    Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tasks.add(() -> {
        ranOn.add(Thread.currentThread());
        return null;
      });
    }
    ReadThreads.map(tasks, 1);
    assertEquals(Set.of(caller), ranOn);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void tasksRunSideBySide() {
    // each task waits until all four have started: only four threads at once can finish them
    CountDownLatch started = new CountDownLatch(4);
    List<Callable<Boolean>> tasks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      tasks.add(() -> {
        started.countDown();
        return started.await(20, TimeUnit.SECONDS);
      });
    }
    assertEquals(List.of(true, true, true, true), ReadThreads.map(tasks, 4));
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void nestedCallsFinish() {
    AtomicInteger leaves = new AtomicInteger();
    List<Callable<Integer>> outer = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      outer.add(() -> {
        List<Callable<Integer>> inner = new ArrayList<>();
        for (int j = 0; j < 80; j++) {
          inner.add(leaves::incrementAndGet);
        }
        return ReadThreads.map(inner, 64).size();
      });
    }
    List<Integer> sizes = ReadThreads.map(outer, 64);
    assertEquals(80, sizes.size());
    assertTrue(sizes.stream().allMatch(s -> s == 80));
    assertEquals(6_400, leaves.get());
  }

  @Test
  void theFirstFailedTaskDecidesTheException() {
    IllegalStateException first = new IllegalStateException("task 1");
    AtomicInteger ran = new AtomicInteger();
    List<Callable<Integer>> tasks = List.of(
        () -> ran.incrementAndGet(),
        () -> {
          ran.incrementAndGet();
          throw first;
        },
        () -> {
          ran.incrementAndGet();
          throw new IOException("task 2");
        },
        () -> ran.incrementAndGet());
    assertSame(first, assertThrows(IllegalStateException.class, () -> ReadThreads.map(tasks, 2)));
    assertEquals(4, ran.get(), "every task ran before the exception was thrown");
    UncheckedIOException io = assertThrows(UncheckedIOException.class,
        () -> ReadThreads.map(List.of(() -> {
          throw new IOException("unreadable");
        }), 2));
    assertEquals("unreadable", io.getCause().getMessage());
  }

  @Test
  void refusesParallelismBelowOne() {
    assertThrows(IllegalArgumentException.class, () -> ReadThreads.map(List.of(() -> 1), 0));
  }
}

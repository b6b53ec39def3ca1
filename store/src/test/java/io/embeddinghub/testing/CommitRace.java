package io.embeddinghub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.io.FileIO;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Writers racing for one name per round with {@link FileIO#putIfAbsent}, released at once: in
 * every round exactly one wins and the name holds its bytes. Each writer is its own {@code
 * FileIO} (its own client, as separate processes have).
 */
public final class CommitRace {
  private CommitRace() {}

  /** Runs {@code rounds} rounds over {@code writers} (whose first creates {@code log/}) and checks each. */
  public static void exactlyOneWinsEachRound(List<? extends FileIO> writers, int rounds) throws Exception {
    writers.get(0).mkdirs("log");
    ExecutorService pool = Executors.newFixedThreadPool(writers.size());
    try {
      for (int round = 0; round < rounds; round++) {
        String name = "log/" + round + ".json";
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int w = 0; w < writers.size(); w++) {
          FileIO io = writers.get(w);
          byte[] content = ("writer " + w + " round " + round).getBytes(StandardCharsets.UTF_8);
          results.add(pool.submit(() -> {
            start.await();
            return io.putIfAbsent(name, content);
          }));
        }
        start.countDown();
        List<Integer> winners = new ArrayList<>();
        for (int w = 0; w < writers.size(); w++) {
          if (results.get(w).get(60, TimeUnit.SECONDS)) {
            winners.add(w);
          }
        }
        assertThat(winners).as("winners of round %d", round).hasSize(1);
        assertThat(new String(writers.get(0).read(name), StandardCharsets.UTF_8))
            .isEqualTo("writer " + winners.get(0) + " round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

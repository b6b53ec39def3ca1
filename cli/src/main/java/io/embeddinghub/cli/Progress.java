package io.embeddinghub.cli;

import java.util.Iterator;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar with rate and ETA (me.tongfei:progressbar, on stderr) for long work, shown only
 * when the command runs on a terminal; otherwise every method does nothing.
 */
final class Progress implements AutoCloseable {
  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  /** @param total the steps expected, or -1 if unknown (then the bar shows count and rate only) */
  static Progress start(boolean terminal, String task, long total, String unit) {
    if (!terminal) {
      return new Progress(null);
    }
    return new Progress(new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .setUnit(" " + unit, 1)
        .showSpeed()
        .setUpdateIntervalMillis(200)
        .setStyle(ProgressBarStyle.ASCII)
        .setMaxRenderedLength(100)
        .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
        .build());
  }

  void step() {
    if (bar != null) {
      bar.step();
    }
  }

  /** Steps once per element the iterator returns. */
  <T> Iterator<T> counting(Iterator<T> it) {
    if (bar == null) {
      return it;
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        T t = it.next();
        bar.step();
        return t;
      }
    };
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}

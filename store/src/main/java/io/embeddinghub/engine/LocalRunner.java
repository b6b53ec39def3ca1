package io.embeddinghub.engine;

import io.embeddinghub.internal.Errors;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * The runner behind the embedded API: every task runs on the calling thread, one at a time, so a
 * task may take the whole task budget (and a graph build every core). A shuffle's records are
 * encoded into a buffer per partition; when the buffers pass an eighth of the task budget (their
 * capacity may be twice that) each is
 * appended to its partition's file in a temporary directory on local disk, which is deleted when
 * the shuffle ends, whatever its outcome.
 */
final class LocalRunner implements JobRunner {
  private final EngineHub hub;
  /** Encoded records a shuffle holds before it appends them to its files (0: an eighth of the task budget). */
  private final long spillBytes;

  /** Where spill directories go (null: {@code java.io.tmpdir}). */
  private final Path spillParent;

  LocalRunner(EngineHub hub) {
    this(hub, 0, null);
  }

  LocalRunner(EngineHub hub, long spillBytes, Path spillParent) {
    this.hub = hub;
    this.spillBytes = spillBytes;
    this.spillParent = spillParent;
  }

  @Override
  public EngineHub hub() {
    return hub;
  }

  @Override
  public long taskMemoryBytes() {
    return hub.context().memory().taskBytes();
  }

  @Override
  public <I extends Serializable, O extends Serializable> List<O> map(List<I> inputs, Task<I, O> task) {
    List<O> out = new ArrayList<>(inputs.size());
    for (I input : inputs) {
      out.add(task.run(hub, input));
    }
    return out;
  }

  @Override
  public <I extends Serializable, R extends Serializable, S extends Serializable, O extends Serializable>
      Shuffled<S, O> shuffle(List<I> inputs, int partitions, Shuffle<I, R, S, O> shuffle) {
    try (Spill<R> spill = new Spill<>(partitions, spillBytes > 0 ? spillBytes : Math.max(256 << 10, taskMemoryBytes() / 8), spillParent, shuffle)) {
      List<S> sides = new ArrayList<>(inputs.size());
      for (I input : inputs) {
        Mapped<R, S> mapped = shuffle.map(hub, input);
        while (mapped.next()) {
          spill.add(mapped.partition(), mapped.record());
        }
        sides.add(mapped.side());
      }
      spill.endOfMap();
      List<O> reduced = new ArrayList<>(partitions);
      for (int p = 0; p < partitions; p++) {
        reduced.add(shuffle.reduce(hub, p, spill.records(p)));
      }
      return new Shuffled<>(sides, reduced);
    } catch (IOException | UncheckedIOException e) {
      throw Errors.cannotSpillShuffle(System.getProperty("java.io.tmpdir"), e instanceof UncheckedIOException u ? u.getCause() : (IOException) e);
    }
  }

  /** Records by partition: encoded in memory up to a budget, then appended to a file per partition. */
  private static final class Spill<R> implements AutoCloseable {
    private final JobRunner.Shuffle<?, R, ?, ?> codec;
    private final ByteArrayOutputStream[] buffers;
    private final DataOutputStream[] outs;
    private final long budget;
    private final Path parent;
    private long buffered;
    private Path dir;

    Spill(int partitions, long budget, Path parent, JobRunner.Shuffle<?, R, ?, ?> codec) {
      this.codec = codec;
      this.budget = budget;
      this.parent = parent;
      this.buffers = new ByteArrayOutputStream[partitions];
      this.outs = new DataOutputStream[partitions];
    }

    void add(int partition, R record) throws IOException {
      if (partition < 0 || partition >= buffers.length) {
        throw new IllegalArgumentException("Shuffle partition " + partition + " outside 0.." + (buffers.length - 1));
      }
      if (buffers[partition] == null) {
        buffers[partition] = new ByteArrayOutputStream();
        outs[partition] = new DataOutputStream(buffers[partition]);
      }
      int before = buffers[partition].size();
      codec.write(record, outs[partition]);
      buffered += buffers[partition].size() - before;
      if (buffered > budget) {
        flush();
      }
    }

    private void flush() throws IOException {
      if (dir == null) {
        dir = parent == null
            ? Files.createTempDirectory("embeddinghub-shuffle-")
            : Files.createTempDirectory(parent, "embeddinghub-shuffle-");
      }
      for (int p = 0; p < buffers.length; p++) {
        if (buffers[p] != null && buffers[p].size() > 0) {
          try (OutputStream file = Files.newOutputStream(
              file(p), StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            buffers[p].writeTo(file);
          }
        }
        // dropped, not reset: a reset buffer keeps its grown array, and those arrays of every
        // partition together could hold several budgets
        buffers[p] = null;
        outs[p] = null;
      }
      buffered = 0;
    }

    /**
     * Once every record is in: if records were spilled, the buffers' rest goes to the files too,
     * so that a partition's reduce does not hold the other partitions' buffered records (up to a
     * budget) beside its own rows; a shuffle that never spilled keeps its records in memory.
     */
    void endOfMap() throws IOException {
      if (dir != null) {
        flush();
      }
    }

    private Path file(int partition) {
      return dir.resolve(Integer.toString(partition));
    }

    /** Partition {@code p}'s records: its file's, then its buffer's; the buffer is released. */
    Iterator<R> records(int p) throws IOException {
      InputStream in = new ByteArrayInputStream(buffers[p] == null ? new byte[0] : buffers[p].toByteArray());
      buffers[p] = null;
      outs[p] = null;
      if (dir != null && Files.exists(file(p))) {
        in = new SequenceInputStream(new BufferedInputStream(Files.newInputStream(file(p)), 1 << 16), in);
      }
      DataInputStream data = new DataInputStream(in);
      return new Iterator<>() {
        private R next = read();

        private R read() {
          try {
            return codec.read(data);
          } catch (EOFException end) {
            close(data);
            return null;
          } catch (IOException e) {
            close(data);
            throw new UncheckedIOException(e);
          }
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public R next() {
          if (next == null) {
            throw new NoSuchElementException();
          }
          R current = next;
          next = read();
          return current;
        }
      };
    }

    private static void close(InputStream in) {
      try {
        in.close();
      } catch (IOException e) {
        // a read-only temporary file: nothing to lose
      }
    }

    @Override
    public void close() throws IOException {
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(f);
          }
        }
      }
    }
  }
}

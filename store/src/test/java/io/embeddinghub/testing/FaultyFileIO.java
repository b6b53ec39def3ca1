package io.embeddinghub.testing;

import io.embeddinghub.io.FileIO;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;

/**
 * A {@link FileIO} that fails on purpose: the next n log commits throw (an I/O error, outcome
 * unknown) or report that another writer won the version (a lost race). It also counts the data
 * files opened for reading, and can hold those opens until a latch opens (to line up racing
 * readers without sleeps).
 */
public final class FaultyFileIO implements FileIO {
  private final FileIO delegate;
  private final AtomicInteger failingCommits = new AtomicInteger();
  private final AtomicInteger lostRaces = new AtomicInteger();
  private final AtomicInteger commits = new AtomicInteger();
  private final AtomicInteger dataFileOpens = new AtomicInteger();
  private volatile CountDownLatch dataFileOpenGate;

  public FaultyFileIO(FileIO delegate) {
    this.delegate = delegate;
  }

  /** The next {@code n} commits throw an IOException without writing. */
  public void failNextCommits(int n) {
    failingCommits.set(n);
  }

  /** The next {@code n} commits report that the version already exists, without writing. */
  public void loseNextRaces(int n) {
    lostRaces.set(n);
  }

  /** Every later open of a data file (under a {@code data/} directory) waits until {@code gate} opens. */
  public void holdDataFileOpens(CountDownLatch gate) {
    dataFileOpenGate = gate;
  }

  /** Data files opened for reading so far. */
  public int dataFileOpens() {
    return dataFileOpens.get();
  }

  /** Commit attempts seen so far. */
  public int commitAttempts() {
    return commits.get();
  }

  @Override
  public boolean putIfAbsent(String relativePath, byte[] content) throws IOException {
    commits.incrementAndGet();
    if (failingCommits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IOException("injected commit failure for " + relativePath);
    }
    if (lostRaces.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return false;
    }
    return delegate.putIfAbsent(relativePath, content);
  }

  @Override
  public io.embeddinghub.io.AtomicCreate atomicCreate() {
    return delegate.atomicCreate();
  }

  @Override
  public void checkCommitsSafe() throws io.embeddinghub.io.NoAtomicCreateException {
    delegate.checkCommitsSafe();
  }

  @Override
  public String root() {
    return delegate.root();
  }

  @Override
  public String location(String relativePath) {
    return delegate.location(relativePath);
  }

  @Override
  public boolean exists(String relativePath) throws IOException {
    return delegate.exists(relativePath);
  }

  @Override
  public byte[] read(String relativePath) throws IOException {
    return delegate.read(relativePath);
  }

  @Override
  public void overwrite(String relativePath, byte[] content) throws IOException {
    delegate.overwrite(relativePath, content);
  }

  @Override
  public List<FileEntry> list(String relativeDir) throws IOException {
    return delegate.list(relativeDir);
  }

  @Override
  public List<FileEntry> listFilesRecursively(String relativeDir) throws IOException {
    return delegate.listFilesRecursively(relativeDir);
  }

  @Override
  public void mkdirs(String relativeDir) throws IOException {
    delegate.mkdirs(relativeDir);
  }

  @Override
  public boolean delete(String relativePath) throws IOException {
    return delegate.delete(relativePath);
  }

  @Override
  public boolean rename(String fromRelativePath, String toRelativePath) throws IOException {
    return delegate.rename(fromRelativePath, toRelativePath);
  }

  @Override
  public long length(String relativePath) throws IOException {
    return delegate.length(relativePath);
  }

  @Override
  public OutputFile newOutputFile(String relativePath) throws IOException {
    return delegate.newOutputFile(relativePath);
  }

  @Override
  public InputFile newInputFile(String relativePath) throws IOException {
    if (relativePath.contains("/data/")) {
      dataFileOpens.incrementAndGet();
      CountDownLatch gate = dataFileOpenGate;
      if (gate != null) {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while held before opening " + relativePath);
        }
      }
    }
    return delegate.newInputFile(relativePath);
  }
}

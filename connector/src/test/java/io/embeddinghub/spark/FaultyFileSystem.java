package io.embeddinghub.spark;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under the scheme {@code faulty:}, with faults a test switches on: a log entry's
 * rename that lands and then reports an error (a commit with an unknown outcome), deletes of
 * data files that fail (what a killed executor leaves behind), and code run just before a log
 * entry's rename (a concurrent writer winning the race for that version). Hub roots
 * {@code faulty:///dir} and {@code file:///dir} name the same files, so the embedded API checks
 * what Spark did.
 *
 * <p>Not a {@link RawLocalFileSystem} itself, so the store commits through Hadoop's
 * {@code FileContext} rename (as on HDFS) instead of a local hard link; {@link #configure}
 * registers it (and its {@code FileContext} twin) in a Hadoop configuration.
 */
public final class FaultyFileSystem extends FilterFileSystem {
  static final String SCHEME = "faulty";

  /** The next log entry renamed into place lands, then the rename throws. */
  static volatile boolean failNextCommitAfterLanding;
  /** Deletes of anything under a {@code data/} or {@code index/} directory throw. */
  static volatile boolean failDataDeletes;
  /** Runs once, just before the next log entry is renamed into place (another writer's commit, say). */
  static volatile Runnable beforeNextCommit;
  /** When positive, the create of the n-th data file (under {@code data/}) from now throws, once. */
  static volatile int failDataFileCreate;
  /** Data files created since {@link #failDataFileCreate} was armed. */
  static final java.util.concurrent.atomic.AtomicInteger DATA_FILE_CREATES = new java.util.concurrent.atomic.AtomicInteger();

  public FaultyFileSystem() {
    super(new LocalDisk());
  }

  static void configure(Configuration conf) {
    conf.set("fs." + SCHEME + ".impl", FaultyFileSystem.class.getName());
    conf.setBoolean("fs." + SCHEME + ".impl.disable.cache", true);
    conf.set("fs.AbstractFileSystem." + SCHEME + ".impl", ForFileContext.class.getName());
  }

  static void reset() {
    failNextCommitAfterLanding = false;
    failDataDeletes = false;
    beforeNextCommit = null;
    failDataFileCreate = 0;
    DATA_FILE_CREATES.set(0);
  }

  /** Fails the create of the {@code n}-th data file from now (on whichever executor thread makes it). */
  static void failDataFileCreate(int n) {
    DATA_FILE_CREATES.set(0);
    failDataFileCreate = n;
  }

  @Override
  public org.apache.hadoop.fs.FSDataOutputStream create(
      Path f, org.apache.hadoop.fs.permission.FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, org.apache.hadoop.util.Progressable progress) throws IOException {
    int n = failDataFileCreate;
    if (n > 0 && f.toUri().getPath().contains("/data/") && DATA_FILE_CREATES.incrementAndGet() == n) {
      failDataFileCreate = 0;
      throw new IOException("injected fault: cannot create data file " + f);
    }
    return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
  }

  /** {@code faulty:///x} for a {@code file:///x} URI string. */
  static String faulty(String fileUri) {
    return SCHEME + ":" + URI.create(fileUri).getPath();
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  /** Commits by rename, as on HDFS (the store trusts a declared atomic rename; this one is a test's). */
  @Override
  public boolean hasPathCapability(Path path, String capability) throws IOException {
    return capability.equals(io.embeddinghub.io.AtomicCreate.ATOMIC_RENAME_CAPABILITY)
        || super.hasPathCapability(path, capability);
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    runBeforeCommitHook(dst);
    boolean renamed = super.rename(src, dst);
    if (renamed) {
      failIfCommitFaultArmed(src, dst);
    }
    return renamed;
  }

  /** What {@code FileContext}'s rename reaches through {@link ForFileContext}. */
  @Override
  protected void rename(Path src, Path dst, Options.Rename... options) throws IOException {
    runBeforeCommitHook(dst);
    super.rename(src, dst, options);
    failIfCommitFaultArmed(src, dst);
  }

  private static void runBeforeCommitHook(Path dst) {
    Runnable hook = beforeNextCommit;
    if (hook != null && isLogEntry(dst)) {
      beforeNextCommit = null;
      hook.run();
    }
  }

  private static boolean isLogEntry(Path path) {
    return path.getName().matches("\\d{20}\\.json");
  }

  private static void failIfCommitFaultArmed(Path src, Path dst) throws IOException {
    if (isLogEntry(dst) && failNextCommitAfterLanding) {
      failNextCommitAfterLanding = false;
      throw new IOException("injected fault: connection lost after renaming " + src + " to " + dst);
    }
  }

  @Override
  public boolean delete(Path path, boolean recursive) throws IOException {
    String p = path.toUri().getPath();
    if (failDataDeletes && (p.contains("/data/") || p.contains("/index/"))) {
      throw new IOException("injected fault: cannot delete " + path);
    }
    return super.delete(path, recursive);
  }

  @Override
  public FileStatus getFileLinkStatus(Path path) throws IOException {
    return getFileStatus(path); // no symlinks here; keeps FileContext's rename checks simple
  }

  /** The local file system answering to {@code faulty:} paths. */
  private static final class LocalDisk extends RawLocalFileSystem {
    private static final URI URI_ = URI.create(SCHEME + ":///");

    @Override
    public URI getUri() {
      return URI_;
    }

    @Override
    public String getScheme() {
      return SCHEME;
    }
  }

  /** What {@code FileContext} (the store's atomic rename) uses for {@code faulty:}. */
  public static final class ForFileContext extends DelegateToFileSystem {
    public ForFileContext(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new FaultyFileSystem(), conf, SCHEME, false);
    }
  }
}

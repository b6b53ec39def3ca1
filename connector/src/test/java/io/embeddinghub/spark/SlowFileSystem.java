package io.embeddinghub.spark;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local disk under the scheme {@code slow:}, where creating a file under a {@code data/}
 * directory waits {@link #DELAY_MS} milliseconds after the file appears: write tasks stay
 * running long enough for a test to kill their executor, and the driver sees them running by
 * the files they created. Configured only through a Hadoop configuration ({@link #configure}),
 * so an executor knows the scheme only if the configuration was shipped to it. Hub roots
 * {@code slow:///dir} and {@code file:///dir} name the same files.
 */
public final class SlowFileSystem extends FilterFileSystem {
  static final String SCHEME = "slow";
  static final String DELAY_MS = "fs.slow.data-create-delay-ms";

  public SlowFileSystem() {
    super(new LocalDisk());
  }

  static void configure(java.util.function.BiConsumer<String, String> conf, long delayMs) {
    conf.accept("fs." + SCHEME + ".impl", SlowFileSystem.class.getName());
    conf.accept("fs." + SCHEME + ".impl.disable.cache", "true");
    conf.accept("fs.AbstractFileSystem." + SCHEME + ".impl", ForFileContext.class.getName());
    conf.accept(DELAY_MS, Long.toString(delayMs));
  }

  /** {@code slow:///x} for a {@code file:///x} URI string. */
  static String slow(String fileUri) {
    return SCHEME + ":" + URI.create(fileUri).getPath();
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  /** Commits by rename, as on HDFS (the store trusts a declared atomic rename; this one is a test's). */
  @Override
  public boolean hasPathCapability(org.apache.hadoop.fs.Path path, String capability) throws java.io.IOException {
    return capability.equals(io.embeddinghub.io.AtomicCreate.ATOMIC_RENAME_CAPABILITY)
        || super.hasPathCapability(path, capability);
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
      short replication, long blockSize, Progressable progress) throws IOException {
    FSDataOutputStream out = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    long delay = getConf() == null ? 0 : getConf().getLong(DELAY_MS, 0);
    if (delay > 0 && f.toUri().getPath().contains("/data/")) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.close();
        throw new IOException("interrupted while slowing down the creation of " + f, e);
      }
    }
    return out;
  }

  @Override
  public FileStatus getFileLinkStatus(Path path) throws IOException {
    return getFileStatus(path); // no symlinks here; keeps FileContext's rename checks simple
  }

  /** The local file system answering to {@code slow:} paths. */
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

  /** What {@code FileContext} (the store's atomic rename) uses for {@code slow:}. */
  public static final class ForFileContext extends DelegateToFileSystem {
    public ForFileContext(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new SlowFileSystem(), conf, SCHEME, false);
    }
  }
}

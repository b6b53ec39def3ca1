package io.embeddinghub.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.Syncable;
import org.apache.hadoop.fs.impl.OpenFileParameters;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local disk under the scheme {@code fault:}, every call counted per {@link FsFaults.Kind} and
 * failed when its {@link FsFaults} controller says so. A hub opened with
 * {@code EmbeddingHub.open("fault://" + dir, conf)} after {@link FsFaults#configure(Configuration)}
 * goes through it; {@code file://} + the same dir names the same files, without faults.
 *
 * <p>Not a {@link RawLocalFileSystem} itself, so the store takes its non-local paths: commits by
 * {@code FileContext} rename with {@code Options.Rename.NONE} (as on HDFS), every existence check,
 * read, listing and delete through Hadoop, where the faults are.
 */
public final class FaultInjectingFileSystem extends FilterFileSystem {
  public static final String SCHEME = "fault";

  private FsFaults faults;

  public FaultInjectingFileSystem() {
    super(new LocalDisk());
  }

  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    faults = FsFaults.of(conf);
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

  private FsFaults faults() {
    if (faults == null) {
      throw new IllegalStateException("FaultInjectingFileSystem used before initialize");
    }
    return faults;
  }

  // ---- create, write, close ----

  @Override
  public FSDataOutputStream create(
      Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    FsFaults.Fault fault = faults().call(FsFaults.Kind.CREATE, f);
    FSDataOutputStream out = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    return afterCreate(fault, f, out);
  }

  @Override
  public FSDataOutputStream createNonRecursive(
      Path f, FsPermission permission, EnumSet<CreateFlag> flags, int bufferSize, short replication,
      long blockSize, Progressable progress) throws IOException {
    FsFaults.Fault fault = faults().call(FsFaults.Kind.CREATE, f);
    FSDataOutputStream out = super.createNonRecursive(f, permission, flags, bufferSize, replication, blockSize, progress);
    return afterCreate(fault, f, out);
  }

  private FSDataOutputStream afterCreate(FsFaults.Fault fault, Path f, FSDataOutputStream out) throws IOException {
    if (fault != null) { // the file exists (empty), but the caller hears of an error
      out.close();
      throw fault.exception();
    }
    return new FSDataOutputStream(new FaultyOutputStream(faults(), f, out), null);
  }

  /** Counts writes and closes; a failing write writes part of its bytes first. */
  private static final class FaultyOutputStream extends OutputStream implements Syncable, StreamCapabilities {
    private final FsFaults faults;
    private final Path path;
    private final FSDataOutputStream out;
    private boolean closed;

    FaultyOutputStream(FsFaults faults, Path path, FSDataOutputStream out) {
      this.faults = faults;
      this.path = path;
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      FsFaults.Fault fault = faults.call(FsFaults.Kind.WRITE, path);
      if (fault != null) {
        out.flush();
        throw fault.exception();
      }
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      FsFaults.Fault fault = faults.call(FsFaults.Kind.WRITE, path);
      if (fault != null) { // a partial write: some bytes reach the file
        out.write(b, off, len / 2);
        out.flush();
        throw fault.exception();
      }
      out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      FsFaults.Fault fault = faults.call(FsFaults.Kind.CLOSE, path);
      out.close(); // what was written lands; the caller hears of an error all the same
      if (fault != null) {
        throw fault.exception();
      }
    }

    @Override
    public void hflush() throws IOException {
      out.hflush();
    }

    @Override
    public void hsync() throws IOException {
      out.hsync();
    }

    @Override
    public boolean hasCapability(String capability) {
      return out.hasCapability(capability);
    }
  }

  // ---- rename, delete, mkdirs ----

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    FsFaults.Fault fault = faults().call(FsFaults.Kind.RENAME, dst, src);
    if (fault != null && !fault.afterEffect()) {
      throw fault.exception();
    }
    boolean renamed = super.rename(src, dst);
    if (fault != null) {
      throw fault.exception();
    }
    return renamed;
  }

  /** What {@code FileContext}'s rename (the store's commit) reaches through {@link ForFileContext}. */
  @Override
  protected void rename(Path src, Path dst, Options.Rename... options) throws IOException {
    FsFaults.Fault fault = faults().call(FsFaults.Kind.RENAME, dst, src);
    if (fault != null && !fault.afterEffect()) {
      throw fault.exception();
    }
    super.rename(src, dst, options);
    if (fault != null) {
      throw fault.exception();
    }
  }

  @Override
  public boolean delete(Path f, boolean recursive) throws IOException {
    FsFaults.Fault fault = faults().call(FsFaults.Kind.DELETE, f);
    if (fault != null) {
      throw fault.exception();
    }
    return super.delete(f, recursive);
  }

  @Override
  public boolean mkdirs(Path f, FsPermission permission) throws IOException {
    FsFaults.Fault fault = faults().call(FsFaults.Kind.MKDIRS, f);
    if (fault != null) {
      throw fault.exception();
    }
    return super.mkdirs(f, permission);
  }

  @Override
  public boolean mkdirs(Path f) throws IOException {
    return mkdirs(f, FsPermission.getDirDefault());
  }

  // ---- list (FileSystem.listFiles lists each directory through listLocatedStatus) ----

  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    FsFaults.Fault fault = faults().call(FsFaults.Kind.LIST, f);
    if (fault != null) {
      throw fault.exception();
    }
    return super.listStatus(f);
  }

  /**
   * Through {@link #listStatus} (one counted call), as plain statuses: the raw local file system's
   * own would look up permissions through {@code java.io.File}, which refuses {@code fault:} paths.
   */
  @Override
  public RemoteIterator<LocatedFileStatus> listLocatedStatus(Path f) throws IOException {
    FileStatus[] statuses = listStatus(f);
    return new RemoteIterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < statuses.length;
      }

      @Override
      public LocatedFileStatus next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        FileStatus s = statuses[next++];
        FileStatus plain = new FileStatus(
            s.getLen(), s.isDirectory(), s.getReplication(), s.getBlockSize(), s.getModificationTime(), s.getPath());
        return new LocatedFileStatus(plain, null);
      }
    };
  }

  @Override
  public RemoteIterator<FileStatus> listStatusIterator(Path f) throws IOException {
    FsFaults.Fault fault = faults().call(FsFaults.Kind.LIST, f);
    if (fault != null) {
      throw fault.exception();
    }
    return super.listStatusIterator(f);
  }

  // ---- open, read ----

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    FsFaults.Fault fault = faults().call(FsFaults.Kind.OPEN, f);
    if (fault != null) {
      throw fault.exception();
    }
    return new FSDataInputStream(new FaultyInputStream(faults(), f, super.open(f, bufferSize)));
  }

  /** Parquet opens data files with {@code openFile(path)...build()}: counted here, opened below. */
  @Override
  public org.apache.hadoop.fs.FutureDataInputStreamBuilder openFile(Path f) throws IOException {
    FsFaults.Fault fault = faults().call(FsFaults.Kind.OPEN, f);
    if (fault != null) {
      throw fault.exception();
    }
    org.apache.hadoop.fs.FutureDataInputStreamBuilder builder = createDataInputStreamBuilder(this, f);
    return builder;
  }

  /** What the builder of {@link #openFile} builds: the raw stream, wrapped (the open was counted). */
  @Override
  protected CompletableFuture<FSDataInputStream> openFileWithOptions(Path f, OpenFileParameters parameters)
      throws IOException {
    CompletableFuture<FSDataInputStream> result = new CompletableFuture<>();
    try {
      result.complete(new FSDataInputStream(new FaultyInputStream(faults(), f, super.open(f, 4096))));
    } catch (IOException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /** Counts reads; a failing read reads nothing. */
  private static final class FaultyInputStream extends org.apache.hadoop.fs.FSInputStream {
    private final FsFaults faults;
    private final Path path;
    private final FSDataInputStream in;

    FaultyInputStream(FsFaults faults, Path path, FSDataInputStream in) {
      this.faults = faults;
      this.path = path;
      this.in = in;
    }

    private void count() throws IOException {
      FsFaults.Fault fault = faults.call(FsFaults.Kind.READ, path);
      if (fault != null) {
        throw fault.exception();
      }
    }

    @Override
    public void seek(long pos) throws IOException {
      in.seek(pos);
    }

    @Override
    public long getPos() throws IOException {
      return in.getPos();
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
      return false;
    }

    @Override
    public int read() throws IOException {
      count();
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      count();
      return in.read(b, off, len);
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int length) throws IOException {
      count();
      return in.read(position, buffer, offset, length);
    }

    @Override
    public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
      count();
      in.readFully(position, buffer, offset, length);
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  @Override
  public FileStatus getFileLinkStatus(Path f) throws IOException {
    return getFileStatus(f); // no symlinks here; keeps FileContext's rename checks simple
  }

  /** The local file system answering to {@code fault:} paths. */
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

  /** What {@code FileContext} (the store's atomic rename) uses for {@code fault:}. */
  public static final class ForFileContext extends DelegateToFileSystem {
    public ForFileContext(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new FaultInjectingFileSystem(), conf, SCHEME, false);
    }
  }
}

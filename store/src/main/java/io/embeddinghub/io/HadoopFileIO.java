package io.embeddinghub.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * {@link FileIO} over a Hadoop {@link FileSystem}.
 *
 * <p>Atomic put-if-absent, by the file system's {@link AtomicCreate}: on the local file system a
 * temporary file is hard-linked to the target name ({@code link(2)} fails if the name exists,
 * across processes too); on HDFS the temporary file is renamed with {@link Options.Rename#NONE},
 * which HDFS performs atomically; on object stores that declare
 * {@value AtomicCreate#CONDITIONAL_OVERWRITE} (S3A) the file is written with one conditional PUT;
 * on {@code gs:} it is one upload with {@code ifGenerationMatch=0}; on ADLS Gen2 with a
 * hierarchical namespace a temporary file is renamed with {@code If-None-Match: *}. Elsewhere
 * commits are refused ({@link NoAtomicCreateException}) unless the hub is declared single-writer
 * ({@value AtomicCreate#SINGLE_WRITER}). The local file system is used raw (no
 * {@code .crc} side files).
 */
public final class HadoopFileIO implements FileIO {
  /** S3A's per-file option to create without probing for an existing object or parent "directories". */
  private static final String S3A_CREATE_PERFORMANCE = "fs.s3a.create.performance";
  /**
   * S3A's choice of input stream (Hadoop 3.5: {@code analytics} by default, {@code classic},
   * {@code prefetch}). The hub sets {@code classic} where the user did not choose: the analytics
   * stream of Hadoop 3.5.0 can wait forever for a block nothing fetches (docs/RELIABILITY.md).
   */
  public static final String S3A_INPUT_STREAM_TYPE = "fs.s3a.input.stream.type";
  /** The input stream the hub asks S3A for when the user chose none. */
  static final String S3A_CLASSIC_STREAM = "classic";
  /**
   * The length a whole-file read declares when it does not know it: an upper bound, so that S3A's
   * classic stream makes one GET of the whole object without asking for its status first (a
   * range past an object's end is served to its end).
   */
  private static final long UNKNOWN_LENGTH_BOUND = 1L << 40;

  private final Path root;
  private final FileSystem fs;
  private final Configuration conf;
  private final boolean local;
  private final AtomicCreate atomicCreate;
  /** Whether commits are accepted on a file system without an atomic create ({@link AtomicCreate#SINGLE_WRITER}). */
  private final boolean singleWriter;
  /** The root as a java.nio path on the local file system, else null. */
  private final java.nio.file.Path localRoot;
  /** Whether whole-file reads skip the status request (S3A's classic stream; see {@link #UNKNOWN_LENGTH_BOUND}). */
  private final boolean readsWithoutStatus;
  /** For atomic renames on non-local file systems; created once (on HDFS each is a client). */
  private volatile FileContext fileContext;

  public HadoopFileIO(URI rootUri, Configuration conf) throws IOException {
    this.conf = withHubDefaults(rootUri, conf);
    FileSystem fileSystem = FileSystem.get(rootUri, this.conf);
    if (fileSystem instanceof LocalFileSystem) {
      fileSystem = ((LocalFileSystem) fileSystem).getRaw();
    }
    this.fs = fileSystem;
    this.local = fileSystem instanceof RawLocalFileSystem;
    this.root = fs.makeQualified(new Path(rootUri));
    this.localRoot = local ? java.nio.file.Path.of(root.toUri()) : null;
    this.atomicCreate = AtomicCreate.of(fs, root);
    this.singleWriter = conf.getBoolean(AtomicCreate.SINGLE_WRITER, false);
    this.readsWithoutStatus = "s3a".equals(fs.getUri().getScheme())
        && S3A_CLASSIC_STREAM.equalsIgnoreCase(fs.getConf().getTrimmed(S3A_INPUT_STREAM_TYPE, ""));
  }

  /**
   * {@code conf}, or a copy with the hub's defaults for settings the user left unset: on
   * {@code s3a:}, the classic input stream ({@link #S3A_INPUT_STREAM_TYPE}). A file system
   * instance that S3A's cache already holds keeps the settings it was created with.
   */
  private static Configuration withHubDefaults(URI rootUri, Configuration conf) {
    if (!"s3a".equals(rootUri.getScheme()) || conf.get(S3A_INPUT_STREAM_TYPE) != null) {
      return conf;
    }
    Configuration withDefaults = new Configuration(conf);
    withDefaults.set(S3A_INPUT_STREAM_TYPE, S3A_CLASSIC_STREAM);
    return withDefaults;
  }

  @Override
  public AtomicCreate atomicCreate() {
    return atomicCreate;
  }

  @Override
  public void checkCommitsSafe() throws NoAtomicCreateException {
    if (!atomicCreate.isAtomic() && !singleWriter) {
      throw new NoAtomicCreateException(
          "Refusing to commit to the hub at " + root + ": its file system (" + fs.getClass().getName()
              + ", scheme " + fs.getScheme() + ") has no atomic create-if-absent, so two concurrent writers "
              + "could both write the same version and one of their commits would be lost. To write, "
              + AtomicCreate.remedy(fs.getScheme()) + ". Reading needs neither.");
    }
  }

  /** The file system under the hub root (for its statistics: requests made, bytes read). */
  public FileSystem fileSystem() {
    return fs;
  }

  public Configuration conf() {
    return conf;
  }

  @Override
  public String root() {
    return root.toString();
  }

  @Override
  public String location(String relativePath) {
    return resolve(relativePath).toString();
  }

  Path resolve(String relativePath) {
    return RelativePaths.isRoot(relativePath)
        ? root
        : new Path(root, RelativePaths.check(relativePath));
  }

  @Override
  public java.nio.file.Path localFile(String relativePath) {
    return local ? localRoot.resolve(RelativePaths.check(relativePath)) : null;
  }

  @Override
  public boolean exists(String relativePath) throws IOException {
    if (local) { // a stat, without Hadoop building a FileStatus or an exception for an absent file
      return java.nio.file.Files.exists(
          RelativePaths.isRoot(relativePath) ? localRoot : localRoot.resolve(RelativePaths.check(relativePath)));
    }
    return fileExists(resolve(relativePath));
  }

  /**
   * Whether a file is at {@code path}: on S3A one HEAD ({@code isFile} probes only for a file,
   * where {@code exists} adds a LIST for a directory of that name).
   */
  @SuppressWarnings("deprecation")
  private boolean fileExists(Path path) throws IOException {
    return fs.isFile(path);
  }

  @Override
  public byte[] read(String relativePath) throws IOException {
    return readWhole(resolve(relativePath));
  }

  @Override
  public byte[] readIfPresent(String relativePath) throws IOException {
    if (local) {
      java.nio.file.Path file = localRoot.resolve(RelativePaths.check(relativePath));
      // the common answer of a probe, absent, from one stat: a failed open costs an exception (a
      // query on a Space paid 11-18 us for it, against 1 us); a file that appears after the stat
      // is the next probe's (a log entry is linked into place whole)
      if (!Files.exists(file)) {
        return null;
      }
      try {
        return Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        return null;
      }
    }
    try {
      return readWhole(resolve(relativePath));
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /**
   * Log files are small: read to their end in one request where the store allows it (S3A's
   * classic stream: one GET, a 404 when absent), else an open and a read.
   */
  private byte[] readWhole(Path path) throws IOException {
    if (!readsWithoutStatus) {
      try (var in = fs.open(path)) {
        return in.readAllBytes();
      }
    }
    var open = fs.openFile(path)
        .opt("fs.option.openfile.length", Long.toString(UNKNOWN_LENGTH_BOUND))
        .opt("fs.option.openfile.read.policy", "whole-file")
        .build();
    try (var in = org.apache.hadoop.util.functional.FutureIO.awaitFuture(open)) {
      return in.readAllBytes();
    }
  }

  @Override
  public boolean putIfAbsent(String relativePath, byte[] content) throws IOException {
    checkCommitsSafe();
    Path target = resolve(relativePath);
    switch (atomicCreate) {
      case CONDITIONAL_PUT:
        return conditionalPut(target, content);
      case GENERATION_MATCH:
        return generationMatchUpload(target, content);
      case RENAME_IF_NONE_MATCH:
        return renameIfNoneMatch(target, content);
      case NONE:
        return checkThenWrite(target, content);
      default:
        return linkOrRename(target, content);
    }
  }

  private boolean linkOrRename(Path target, byte[] content) throws IOException {
    Path tmp = tempSibling(target);
    writeNonRecursive(tmp, content);
    try {
      if (local) {
        try {
          Files.createLink(java.nio.file.Paths.get(target.toUri()), java.nio.file.Paths.get(tmp.toUri()));
          return true;
        } catch (FileAlreadyExistsException e) {
          return false;
        }
      }
      try {
        fileContext().rename(tmp, target, Options.Rename.NONE);
        return true;
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
        return false;
      }
    } finally {
      deleteTemporary(tmp);
    }
  }

  /**
   * One PUT with {@code If-None-Match: *}: the object appears whole or not at all, and the store
   * refuses it (HTTP 412, raised by {@code close()}) when the name is taken. Any failure is settled
   * by reading what the name holds: our own bytes mean an earlier attempt of this PUT landed (a
   * retried request whose first response was lost), other bytes mean another writer won, and no
   * object leaves the outcome unknown, so the failure propagates.
   */
  private boolean conditionalPut(Path target, byte[] content) throws IOException {
    requireDirectory(target.getParent());
    try (FSDataOutputStream out = createFile(target, false)) {
      out.write(content);
    } catch (IOException failed) {
      return holdsAfterFailure(target, content, failed);
    }
    return true;
  }

  /**
   * A written temporary file renamed onto the name by {@code FileSystem.rename}, which
   * hadoop-azure sends with {@code If-None-Match: *} ({@link AtomicCreate#RENAME_IF_NONE_MATCH})
   * and which returns {@code false} when the name is taken. A refusal or failure is settled by
   * reading what the name holds, as for a conditional PUT: a retried rename whose first response
   * was lost finds its source gone and the name holding our bytes.
   */
  private boolean renameIfNoneMatch(Path target, byte[] content) throws IOException {
    requireDirectory(target.getParent());
    Path tmp = tempSibling(target);
    writeNonRecursive(tmp, content);
    try {
      if (fs.rename(tmp, target)) {
        return true;
      }
      return holdsAfterFailure(target, content, new IOException("Rename of " + tmp + " to " + target + " refused"));
    } catch (IOException failed) {
      return holdsAfterFailure(target, content, failed);
    } finally {
      deleteTemporary(tmp);
    }
  }

  /**
   * An upload with {@code ifGenerationMatch=0} ({@link AtomicCreate#GENERATION_MATCH}): refused at
   * create when the object exists, and at {@code close()} (HTTP 412) when another writer's object
   * appeared meanwhile; any other failure is settled as for a conditional PUT. It runs on a thread
   * of its own that an interrupt of the caller cannot reach: an upload cut by an interrupt could
   * finish with part of the bytes (Delta Lake's GCS log store does the same).
   */
  private boolean generationMatchUpload(Path target, byte[] content) throws IOException {
    requireDirectory(target.getParent());
    return uninterruptibly(() -> {
      try (FSDataOutputStream out = fs.create(target, false)) {
        out.write(content);
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException taken) {
        return false;
      } catch (IOException failed) {
        return holdsAfterFailure(target, content, failed);
      }
      return true;
    });
  }

  /** Runs {@code upload} on a new thread and waits for it, keeping the caller's interrupt for afterwards. */
  private static boolean uninterruptibly(java.util.concurrent.Callable<Boolean> upload) throws IOException {
    java.util.concurrent.FutureTask<Boolean> task = new java.util.concurrent.FutureTask<>(upload);
    Thread thread = new Thread(task, "embeddinghub-commit-upload");
    thread.setDaemon(true);
    thread.start();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof RuntimeException runtime) {
            throw runtime;
          }
          if (cause instanceof Error error) {
            throw error;
          }
          throw new IOException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * A data or index file: its name is new (a UUID), so on an object store (S3A) the create skips
   * the probes for an existing file and parent directories ({@value #S3A_CREATE_PERFORMANCE});
   * elsewhere it is {@code create(path, false)}.
   */
  private FSDataOutputStream createNewFile(Path path) throws IOException {
    if (atomicCreate != AtomicCreate.CONDITIONAL_PUT) {
      return fs.create(path, false); // what wrappers of a file system (FilterFileSystem) override
    }
    FSDataOutputStreamBuilder<?, ?> builder = fs.createFile(path);
    builder.overwrite(false);
    builder.recursive();
    builder.opt(S3A_CREATE_PERFORMANCE, true);
    return builder.build();
  }

  /** A {@code createFile} stream; without {@code overwrite}, the conditional create of {@link AtomicCreate#CONDITIONAL_PUT}. */
  private FSDataOutputStream createFile(Path target, boolean overwrite) throws IOException {
    FSDataOutputStreamBuilder<?, ?> builder = fs.createFile(target);
    builder.overwrite(overwrite);
    if (!overwrite) {
      builder.must(AtomicCreate.CONDITIONAL_OVERWRITE, true);
    }
    return builder.build();
  }

  private boolean holdsAfterFailure(Path target, byte[] content, IOException failed) throws IOException {
    byte[] existing;
    try {
      existing = readWhole(target);
    } catch (FileNotFoundException absent) {
      throw failed;
    } catch (IOException unreadable) {
      failed.addSuppressed(unreadable);
      throw failed;
    }
    return java.util.Arrays.equals(existing, content);
  }

  /** Single-writer mode on a file system without an atomic create: not safe against a concurrent writer. */
  private boolean checkThenWrite(Path target, byte[] content) throws IOException {
    requireDirectory(target.getParent());
    if (fs.exists(target)) {
      return false;
    }
    try (FSDataOutputStream out = fs.create(target, false)) {
      out.write(content);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
    return true;
  }

  @Override
  public void overwrite(String relativePath, byte[] content) throws IOException {
    Path target = resolve(relativePath);
    if (atomicCreate == AtomicCreate.CONDITIONAL_PUT) { // one PUT: the object is replaced whole
      requireDirectory(target.getParent());
      try (FSDataOutputStream out = createFile(target, true)) {
        out.write(content);
      }
      return;
    }
    if (atomicCreate == AtomicCreate.GENERATION_MATCH) { // one upload: the object is replaced whole
      requireDirectory(target.getParent());
      uninterruptibly(() -> {
        try (FSDataOutputStream out = fs.create(target, true)) {
          out.write(content);
        }
        return true;
      });
      return;
    }
    Path tmp = tempSibling(target);
    writeNonRecursive(tmp, content);
    try {
      if (atomicCreate == AtomicCreate.RENAME_IF_NONE_MATCH) {
        renameReplacing(tmp, target, content);
      } else if (local) {
        Files.move(
            java.nio.file.Paths.get(tmp.toUri()),
            java.nio.file.Paths.get(target.toUri()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } else {
        fileContext().rename(tmp, target, Options.Rename.OVERWRITE);
      }
    } finally {
      deleteTemporary(tmp);
    }
  }

  /**
   * ADLS has no rename that replaces a file in one step: a file holding other bytes is deleted
   * first, so a reader can miss the name in between. The log overwrites only derived files: a
   * checkpoint, rewritten with the same state (same bytes: kept, no gap), and the
   * {@code _last_checkpoint} hint, which readers may find missing; never an entry.
   */
  private void renameReplacing(Path tmp, Path target, byte[] content) throws IOException {
    if (fs.rename(tmp, target)) {
      return;
    }
    try {
      if (java.util.Arrays.equals(readWhole(target), content)) {
        return;
      }
    } catch (FileNotFoundException absent) {
      // deleted meanwhile: rename below
    }
    fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      throw new IOException("Could not rename " + tmp + " to " + target);
    }
  }

  private FileContext fileContext() throws IOException {
    FileContext context = fileContext;
    if (context == null) {
      context = FileContext.getFileContext(root.toUri(), conf);
      fileContext = context;
    }
    return context;
  }

  /**
   * Best effort: by now the outcome is decided (after a rename the file is usually gone already),
   * so a failure here must neither turn a landed commit into an error nor hide the real one. A
   * temporary file left behind is invisible and vacuum deletes it.
   */
  private void deleteTemporary(Path tmp) {
    try {
      fs.delete(tmp, false);
    } catch (IOException | RuntimeException e) {
      // left for vacuum
    }
  }

  /** Temporary files start with '.' so that listings of versions and Spark's readers skip them. */
  private static Path tempSibling(Path target) {
    return new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
  }

  private void requireDirectory(Path dir) throws IOException {
    if (!fs.exists(dir)) {
      throw new FileNotFoundException("Directory does not exist: " + dir);
    }
  }

  private void writeNonRecursive(Path path, byte[] content) throws IOException {
    requireDirectory(path.getParent());
    try (FSDataOutputStream out =
        fs.createNonRecursive(
            path,
            FsPermission.getFileDefault(),
            java.util.EnumSet.of(org.apache.hadoop.fs.CreateFlag.CREATE),
            fs.getConf().getInt("io.file.buffer.size", 4096),
            fs.getDefaultReplication(path),
            fs.getDefaultBlockSize(path),
            null)) {
      out.write(content);
      out.hsync();
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException("Directory does not exist: " + path.getParent());
    }
  }

  @Override
  public List<FileEntry> list(String relativeDir) throws IOException {
    Path dir = resolve(relativeDir);
    FileStatus[] statuses;
    try {
      statuses = fs.listStatus(dir);
    } catch (FileNotFoundException e) {
      return List.of();
    }
    List<FileEntry> entries = new ArrayList<>(statuses.length);
    for (FileStatus status : statuses) {
      entries.add(toEntry(status));
    }
    return entries;
  }

  @Override
  public List<FileEntry> listFilesRecursively(String relativeDir) throws IOException {
    Path dir = resolve(relativeDir);
    List<FileEntry> entries = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it;
    try {
      it = fs.listFiles(dir, true);
    } catch (FileNotFoundException e) {
      return entries;
    }
    while (it.hasNext()) {
      entries.add(toEntry(it.next()));
    }
    return entries;
  }

  private FileEntry toEntry(FileStatus status) {
    return new FileEntry(
        relativize(status.getPath()),
        status.isDirectory(),
        status.getLen(),
        status.getModificationTime());
  }

  private String relativize(Path path) {
    String rootString = root.toUri().getPath();
    String pathString = fs.makeQualified(path).toUri().getPath();
    if (!pathString.startsWith(rootString)) {
      throw new IllegalStateException("Listed path " + path + " is outside the hub root " + root);
    }
    String rel = pathString.substring(rootString.length());
    return rel.startsWith("/") ? rel.substring(1) : rel;
  }

  @Override
  public void mkdirs(String relativeDir) throws IOException {
    fs.mkdirs(resolve(relativeDir));
  }

  @Override
  public boolean delete(String relativePath) throws IOException {
    if (RelativePaths.isRoot(relativePath)) {
      throw new IllegalArgumentException("Refusing to delete the hub root " + root);
    }
    return fs.delete(resolve(relativePath), true);
  }

  @Override
  public boolean rename(String fromRelativePath, String toRelativePath) throws IOException {
    Path to = resolve(toRelativePath);
    if (fs.exists(to)) {
      return false;
    }
    return fs.rename(resolve(fromRelativePath), to);
  }

  @Override
  public long length(String relativePath) throws IOException {
    return fs.getFileStatus(resolve(relativePath)).getLen();
  }

  @Override
  public OutputFile newOutputFile(String relativePath) throws IOException {
    Path path = resolve(relativePath);
    return new OutputFile() {
      @Override
      public PositionOutputStream create(long blockSizeHint) throws IOException {
        return HadoopStreams.wrap(createNewFile(path));
      }

      @Override
      public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return HadoopStreams.wrap(fs.create(path, true));
      }

      @Override
      public boolean supportsBlockSize() {
        return false;
      }

      @Override
      public long defaultBlockSize() {
        return fs.getDefaultBlockSize(path);
      }

      @Override
      public String getPath() {
        return path.toString();
      }
    };
  }

  /**
   * On S3A's classic stream, opened with {@code openFile}, the length the log records and the
   * random read policy (a ranged GET per read): no status request, so a point read of a file not
   * read before costs its ranged GETs only. A missing file fails with {@link FileNotFoundException}
   * on the first read. Elsewhere as {@link #newInputFile(String)}.
   */
  @Override
  public InputFile newInputFile(String relativePath, long length) throws IOException {
    return withLength(relativePath, length, READ_RANDOM);
  }

  /** As {@link #newInputFile(String, long)}, read front to back: S3A's sequential read policy. */
  @Override
  public InputFile newScanInputFile(String relativePath, long length) throws IOException {
    return withLength(relativePath, length, READ_SEQUENTIAL);
  }

  private InputFile withLength(String relativePath, long length, String readPolicy) throws IOException {
    if (!readsWithoutStatus) {
      return newInputFile(relativePath);
    }
    return opened(resolve(relativePath), length, b -> b.opt(OPENFILE_LENGTH, Long.toString(length)), readPolicy);
  }

  /**
   * A Parquet input file whose open and read failures are {@link StorageIOException}s, so that
   * readers tell a file system failure from a corrupt file. A missing file stays a
   * {@link FileNotFoundException}. Its status is asked once; the file is opened through this
   * hub's file system instance (so its statistics count every request).
   */
  @Override
  public InputFile newInputFile(String relativePath) throws IOException {
    Path path = resolve(relativePath);
    FileStatus status;
    try {
      status = fs.getFileStatus(path);
    } catch (FileNotFoundException e) {
      throw e;
    } catch (IOException e) {
      throw new StorageIOException("Cannot get the status of " + path + ": " + e.getMessage(), e);
    }
    return opened(path, status.getLen(), b -> b.withFileStatus(status), READ_RANDOM);
  }

  private static final String OPENFILE_LENGTH = "fs.option.openfile.length";
  private static final String OPENFILE_READ_POLICY = "fs.option.openfile.read.policy";
  /** What Parquet asks for: a columnar read policy where the store knows one, else random reads. */
  private static final String READ_RANDOM = "parquet, columnar, vector, random, adaptive";
  private static final String READ_SEQUENTIAL = "sequential";

  private InputFile opened(
      Path path, long length, java.util.function.UnaryOperator<org.apache.hadoop.fs.FutureDataInputStreamBuilder> known,
      String readPolicy) {
    return new InputFile() {
      @Override
      public long getLength() {
        return length;
      }

      @Override
      public org.apache.parquet.io.SeekableInputStream newStream() throws IOException {
        try {
          var builder = known.apply(fs.openFile(path)).opt(OPENFILE_READ_POLICY, readPolicy);
          var in = org.apache.hadoop.util.functional.FutureIO.awaitFuture(builder.build());
          return new StorageInputStream(HadoopStreams.wrap(in), path.toString());
        } catch (FileNotFoundException e) {
          throw e;
        } catch (IOException e) {
          throw new StorageIOException("Cannot open " + path + ": " + e.getMessage(), e);
        }
      }

      @Override
      public String toString() {
        return path.toString();
      }
    };
  }
}

package io.embeddinghub.testing;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A stand-in for hadoop-azure's ADLS Gen2 file system ({@code abfs:}) over the local disk, with
 * the behaviour the store relies on and the one it must avoid (as read in hadoop-azure's
 * {@code AzureBlobFileSystem} and {@code AbfsDfsClient}):
 *
 * <ul>
 *   <li>{@code rename} of a file is one request with {@code If-None-Match: *} for the destination:
 *       atomic, and refused ({@code false}) when the destination exists or the source is gone;
 *   <li>{@code create} claims the name at once with an empty file, and the bytes follow when the
 *       stream is flushed and closed, so a reader can find a created file empty (why a create is no
 *       commit there);
 *   <li>{@link CommonPathCapabilities#FS_ACLS} answers whether the account has a hierarchical
 *       namespace ({@value #NAMESPACE}, default true): only then is a rename atomic.
 * </ul>
 *
 * <p>{@link #LOST_RENAME_RESPONSES} makes the next renames land and still answer {@code false}, as
 * the connector does when a retried rename finds its source gone after the first response was
 * lost. Not an ADLS server: no Azure client code runs here.
 */
public final class AdlsLikeFileSystem extends FilterFileSystem {
  public static final String SCHEME = "abfs";
  /** Whether the stand-in account has a hierarchical namespace (default true). */
  public static final String NAMESPACE = "embeddinghub.test.adls.hierarchical-namespace";
  /** How many of the next renames (in this JVM) land yet answer {@code false}. */
  public static final AtomicInteger LOST_RENAME_RESPONSES = new AtomicInteger();

  public AdlsLikeFileSystem() {
    super(SchemeLocalDisk.serving(SCHEME));
  }

  /** The settings that serve {@code abfs:} paths with this file system. */
  public static Configuration conf() {
    // FileContext through ForFileContext, as through hadoop-azure's Abfs
    return SchemeLocalDisk.connectorConf(SCHEME, AdlsLikeFileSystem.class, ForFileContext.class);
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public boolean hasPathCapability(Path path, String capability) throws IOException {
    if (CommonPathCapabilities.FS_ACLS.equals(capability)) {
      return getConf().getBoolean(NAMESPACE, true);
    }
    return super.hasPathCapability(path, capability);
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    java.nio.file.Path from = local(src);
    java.nio.file.Path to = local(dst);
    if (Files.isDirectory(to)) {
      to = to.resolve(from.getFileName());
    }
    if (Files.isDirectory(from)) {
      return super.rename(src, dst);
    }
    try {
      Files.createLink(to, from); // fails when the destination exists: the service's If-None-Match: *
    } catch (java.nio.file.FileAlreadyExistsException | NoSuchFileException refused) {
      return false;
    }
    Files.delete(from);
    if (LOST_RENAME_RESPONSES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return false; // the retry of a rename that landed: its source is gone
    }
    return true;
  }

  @Override
  public FSDataOutputStream create(
      Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    Files.createDirectories(local(f).getParent());
    return claimThenAppend(f, overwrite);
  }

  @Override
  public FSDataOutputStream createNonRecursive(
      Path f, FsPermission permission, EnumSet<CreateFlag> flags, int bufferSize, short replication,
      long blockSize, Progressable progress) throws IOException {
    if (!Files.isDirectory(local(f).getParent())) {
      throw new FileNotFoundException("Parent does not exist: " + f.getParent());
    }
    return claimThenAppend(f, flags.contains(CreateFlag.OVERWRITE));
  }

  private FSDataOutputStream claimThenAppend(Path f, boolean overwrite) throws IOException {
    java.nio.file.Path file = local(f);
    try {
      if (overwrite) {
        Files.write(file, new byte[0]);
      } else {
        Files.createFile(file);
      }
    } catch (java.nio.file.FileAlreadyExistsException taken) {
      throw new FileAlreadyExistsException("Path " + f + " already exists");
    }
    return new FSDataOutputStream(new ByteArrayOutputStream() {
      private boolean closed;

      @Override
      public void close() throws IOException {
        if (!closed) {
          closed = true;
          Files.write(file, toByteArray());
        }
      }
    }, null);
  }

  private java.nio.file.Path local(Path path) {
    return ((SchemeLocalDisk) getRawFileSystem()).pathToFile(makeQualified(path)).toPath();
  }

  /** What {@code FileContext} uses for {@code abfs:}. */
  public static final class ForFileContext extends org.apache.hadoop.fs.DelegateToFileSystem {
    public ForFileContext(URI uri, Configuration conf) throws IOException, java.net.URISyntaxException {
      super(uri, new AdlsLikeFileSystem(), conf, SCHEME, false);
    }
  }
}

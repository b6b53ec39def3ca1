package io.embeddinghub.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A stand-in for Google's Cloud Storage connector ({@code gs:}) over the local disk, with the
 * behaviour the store relies on there (the connector's documented behaviour, which Delta Lake's
 * GCS log store relies on too): an object appears whole when its upload finishes, never half
 * written; a create without overwrite is refused at once when the object exists
 * ({@link FileAlreadyExistsException}), and its upload carries the precondition
 * {@code ifGenerationMatch=0}, so when another writer's object appeared meanwhile the upload fails
 * at {@code close()} with "412 Precondition Failed". Uploads of one JVM are serialized by one lock
 * (the store's check and write are atomic there, as on GCS); not a GCS server: no GCS client code
 * runs here.
 */
public final class GcsLikeFileSystem extends FilterFileSystem {
  public static final String SCHEME = "gs";
  private static final Object BUCKET = new Object();

  public GcsLikeFileSystem() {
    super(SchemeLocalDisk.serving(SCHEME));
  }

  /** The settings that serve {@code gs:} paths with this file system. */
  public static Configuration conf() {
    // FileContext through ForFileContext, as through the connector's GoogleHadoopFS
    return SchemeLocalDisk.connectorConf(SCHEME, GcsLikeFileSystem.class, ForFileContext.class);
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FSDataOutputStream create(
      Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    return upload(f, overwrite);
  }

  @Override
  public FSDataOutputStream createNonRecursive(
      Path f, FsPermission permission, EnumSet<CreateFlag> flags, int bufferSize, short replication,
      long blockSize, Progressable progress) throws IOException {
    if (!exists(f.getParent())) {
      throw new java.io.FileNotFoundException("Parent does not exist: " + f.getParent());
    }
    return upload(f, flags.contains(CreateFlag.OVERWRITE));
  }

  private FSDataOutputStream upload(Path f, boolean overwrite) throws IOException {
    if (!overwrite && exists(f)) {
      throw new FileAlreadyExistsException("Object " + f + " already exists");
    }
    java.io.File file = ((SchemeLocalDisk) getRawFileSystem()).pathToFile(makeQualified(f));
    return new FSDataOutputStream(new ByteArrayOutputStream() {
      private boolean closed;

      @Override
      public void close() throws IOException {
        if (closed) {
          return;
        }
        closed = true;
        synchronized (BUCKET) {
          if (!overwrite && file.exists()) {
            throw new IOException("Upload of " + f + " failed: 412 Precondition Failed (ifGenerationMatch=0)");
          }
          Files.createDirectories(file.toPath().getParent());
          java.nio.file.Path part = file.toPath().resolveSibling("." + file.getName() + "." + UUID.randomUUID());
          Files.write(part, toByteArray());
          Files.move(part, file.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    }, null);
  }

  /** What {@code FileContext} (the store's renames) uses for {@code gs:}. */
  public static final class ForFileContext extends org.apache.hadoop.fs.DelegateToFileSystem {
    public ForFileContext(URI uri, Configuration conf) throws IOException, java.net.URISyntaxException {
      super(uri, new GcsLikeFileSystem(), conf, SCHEME, false);
    }
  }
}

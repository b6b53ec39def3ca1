package io.embeddinghub.testing;

import io.embeddinghub.EmbeddingHub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Where a test's hubs live: the local file system, a shared MiniDFSCluster or an in-process S3
 * server. Contract test classes take one of these, so the same suite runs on {@code file:},
 * {@code hdfs:} and {@code s3a:}. Also gives
 * raw file access (bypassing EmbeddingHub) for crash and corruption tests.
 */
public final class TestHubs {
  private final String name;
  private final RootFactory roots;
  private final TestClock clock = new TestClock();

  private interface RootFactory {
    String newRoot() throws IOException;
  }

  private TestHubs(String name, RootFactory roots) {
    this.name = name;
    this.roots = roots;
  }

  /** Hubs in fresh directories under {@code target/test-hubs}. */
  public static TestHubs local() {
    return new TestHubs(
        "local",
        () -> {
          Path base = Path.of("target", "test-hubs").toAbsolutePath();
          Files.createDirectories(base);
          return Files.createTempDirectory(base, "hub").toUri().toString();
        });
  }

  /** Hubs in fresh directories of one MiniDFSCluster shared by the whole test JVM. */
  public static TestHubs hdfs() {
    return new TestHubs("hdfs", () -> MiniHdfs.uri() + "/hubs/" + UUID.randomUUID());
  }

  /** Hubs under fresh prefixes of one bucket of an in-process S3 server ({@link MiniS3}), through S3A. */
  public static TestHubs s3() {
    return new TestHubs("s3", () -> MiniS3.bucketUri() + "/hubs/" + UUID.randomUUID());
  }

  /**
   * Hubs in fresh directories under {@code target/gcs-like}, on {@code gs:} through
   * {@link GcsLikeFileSystem} (the GCS connector's create and upload semantics over the local disk).
   */
  public static TestHubs gcsLike() {
    return new TestHubs("gcs", () -> localRootUnder("gcs-like", GcsLikeFileSystem.SCHEME));
  }

  /**
   * Hubs in fresh directories under {@code target/adls-like}, on {@code abfs:} through
   * {@link AdlsLikeFileSystem} (hadoop-azure's create and rename semantics over the local disk, on
   * an account with a hierarchical namespace).
   */
  public static TestHubs adlsLike() {
    return new TestHubs("adls", () -> localRootUnder("adls-like", AdlsLikeFileSystem.SCHEME));
  }

  private static String localRootUnder(String dir, String scheme) throws IOException {
    Path base = Files.createDirectories(Path.of("target", dir).toAbsolutePath());
    return scheme + ":" + Files.createTempDirectory(base, "hub").toAbsolutePath();
  }

  public String name() {
    return name;
  }

  /** The clock of every hub this makes: tests move it instead of sleeping. */
  public TestClock clock() {
    return clock;
  }

  public Configuration conf() {
    switch (name) {
      case "hdfs":
        return MiniHdfs.conf();
      case "s3":
        return MiniS3.conf();
      case "gcs":
        return GcsLikeFileSystem.conf();
      case "adls":
        return AdlsLikeFileSystem.conf();
      default:
        return new Configuration();
    }
  }

  /**
   * Whether {@link #write} gives files the test clock's time: not on S3, whose objects carry the
   * server's upload time ({@code setTimes} does nothing there).
   */
  public boolean setsModificationTimes() {
    return !name.equals("s3");
  }

  /** A new, empty hub. */
  public EmbeddingHub newHub() {
    try {
      return EmbeddingHub.open(roots.newRoot(), conf(), clock);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new, empty hub with extra settings. */
  public EmbeddingHub newHub(Configuration extra) {
    try {
      Configuration conf = conf();
      extra.forEach(e -> conf.set(e.getKey(), e.getValue()));
      return EmbeddingHub.open(roots.newRoot(), conf, clock);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A second, independent instance of the same hub (no shared caches): as another process sees it. */
  public EmbeddingHub reopen(EmbeddingHub hub) {
    return EmbeddingHub.open(hub.root(), conf(), clock);
  }

  // ---- raw access, relative to the hub root ----

  /** The hub's file system; on {@code file:} the raw one, so raw writes leave no .crc files. */
  private FileSystem fs(EmbeddingHub hub) throws IOException {
    FileSystem fs = new org.apache.hadoop.fs.Path(hub.root()).getFileSystem(conf());
    return fs instanceof org.apache.hadoop.fs.LocalFileSystem ? ((org.apache.hadoop.fs.LocalFileSystem) fs).getRaw() : fs;
  }

  private static org.apache.hadoop.fs.Path path(EmbeddingHub hub, String relative) {
    return new org.apache.hadoop.fs.Path(hub.root() + "/" + relative);
  }

  public byte[] read(EmbeddingHub hub, String relative) {
    try (InputStream in = fs(hub).open(path(hub, relative))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a file as a writer of the hub would now: its modification time is the clock's. */
  public void write(EmbeddingHub hub, String relative, byte[] content) {
    try {
      FileSystem fs = fs(hub);
      try (OutputStream out = fs.create(path(hub, relative), true)) {
        out.write(content);
      }
      fs.setTimes(path(hub, relative), clock.millis(), -1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean exists(EmbeddingHub hub, String relative) {
    try {
      return fs(hub).exists(path(hub, relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void delete(EmbeddingHub hub, String relative) {
    try {
      fs(hub).delete(path(hub, relative), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Paths (relative to the hub root) of every file under {@code relativeDir}, sorted. */
  public List<String> listFiles(EmbeddingHub hub, String relativeDir) {
    try {
      FileSystem fs = fs(hub);
      org.apache.hadoop.fs.Path dir = path(hub, relativeDir);
      List<String> files = new ArrayList<>();
      if (!fs.exists(dir)) {
        return files;
      }
      String rootPath = fs.makeQualified(new org.apache.hadoop.fs.Path(hub.root())).toUri().getPath();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
      while (it.hasNext()) {
        String p = it.next().getPath().toUri().getPath();
        String rel = p.substring(rootPath.length());
        files.add(rel.startsWith("/") ? rel.substring(1) : rel);
      }
      files.removeIf(f -> f.endsWith(".crc"));
      files.sort(null);
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}

package io.embeddinghub;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.table.HubContext;
import io.embeddinghub.table.HubSpaces;
import io.embeddinghub.table.SpaceEngine;
import io.embeddinghub.table.Vacuum;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A hub: a directory on any Hadoop FileSystem ({@code file:} by default, {@code hdfs:},
 * {@code s3a:} …) holding vector spaces, one sub-directory each. No server, no daemon: several
 * processes may open the same hub and read and write its spaces concurrently.
 *
 * <pre>{@code
 * EmbeddingHub hub = EmbeddingHub.open("file:///data/hub");
 * Space space = hub.createSpace("items", 3);
 * space.set("a", new float[] {1, 2, 3});
 * }</pre>
 *
 * <p>Thread-safe. Settings come from the Hadoop configuration; see {@link HubProperties}.
 */
public final class EmbeddingHub {
  private final HubContext ctx;

  private EmbeddingHub(HubContext ctx) {
    this.ctx = ctx;
  }

  /** Opens (creating its directory if needed) the hub at a URI or plain path. */
  public static EmbeddingHub open(String uri) {
    return open(uri, new Configuration());
  }

  /** Opens the hub at a URI or plain path with a Hadoop configuration (credentials, settings). */
  public static EmbeddingHub open(String uri, Configuration conf) {
    Errors.checkNotNull(uri, "uri");
    if (uri == null || uri.isBlank()) {
      throw new InvalidInputException("Hub location must not be null or blank");
    }
    Errors.checkNotNull(conf, "conf");
    URI location;
    try {
      location = new Path(uri).toUri();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("Invalid hub location '" + uri + "': " + e.getMessage());
    }
    try {
      FileIO io = new HadoopFileIO(location, conf);
      io.mkdirs("");
      return new EmbeddingHub(new HubContext(io, conf));
    } catch (IOException e) {
      throw new EmbeddingHubException("Cannot open hub at " + uri + ": " + e.getMessage(), e);
    }
  }

  /** Opens a hub over a custom {@link FileIO} (tests inject failures this way). */
  public static EmbeddingHub open(FileIO io, Configuration conf) {
    Errors.checkNotNull(io, "io");
    Errors.checkNotNull(conf, "conf");
    return new EmbeddingHub(new HubContext(io, conf));
  }

  /** What this hub's spaces share (caches, settings, build counters); for tests and the connector. */
  HubContext context() {
    return ctx;
  }

  /** The hub root, fully qualified. */
  public String root() {
    return ctx.io().root();
  }

  /** Creates an L2 space with default buckets and index parameters. */
  public Space createSpace(String name, int dimensions) {
    return createSpace(SpaceSpec.builder(name, dimensions).build());
  }

  /** Creates a space as specified. */
  public Space createSpace(SpaceSpec spec) {
    Errors.checkNotNull(spec, "spec");
    return new Space(this, SpaceEngine.create(ctx, spec));
  }

  /** The space named {@code name}. */
  public Space getSpace(String name) {
    return new Space(this, SpaceEngine.open(ctx, name));
  }

  /**
   * The space named {@code name}; with {@code downloadSnapshot} an in-memory {@link LocalSpace}
   * copy of its latest version instead.
   */
  public EmbeddingSpace getSpace(String name, boolean downloadSnapshot) {
    Space space = getSpace(name);
    return downloadSnapshot ? space.downloadSnapshot() : space;
  }

  public boolean exists(String name) {
    Errors.checkSpaceName(name);
    return HubSpaces.exists(ctx.io(), name);
  }

  /** Names of all spaces, sorted. */
  public List<String> listSpaces() {
    return HubSpaces.list(ctx.io());
  }

  /**
   * Drops a space: it disappears at once; its files are deleted unless a fork still uses them
   * (those go with a later {@link #vacuum(Duration)} once nothing references them).
   */
  public void dropSpace(String name) {
    Errors.checkSpaceName(name);
    Vacuum.drop(ctx, name);
  }

  /**
   * Vacuums every space (see {@link Space#vacuum(Duration)}) and what dropped spaces left.
   *
   * @throws InvalidInputException if {@code retention} is shorter than
   *     {@link HubProperties#VACUUM_MIN_RETENTION} (default 1 hour)
   */
  public VacuumResult vacuum(Duration retention) {
    return vacuum(retention, VacuumOptions.DEFAULT);
  }

  /** {@link #vacuum(Duration)} with options, such as {@link VacuumOptions#withoutRetentionCheck()}. */
  public VacuumResult vacuum(Duration retention, VacuumOptions options) {
    Errors.checkNotNull(retention, "retention");
    Errors.checkNotNull(options, "options");
    return Vacuum.vacuumHub(ctx, retention, options);
  }

  /**
   * Checks every file the latest version of {@code space} references without changing anything:
   * its log entries and checkpoints parse and agree, every data file has its logged length, is
   * readable Parquet (page checksums verified) with the logged row count, keys sorted, in the
   * logged range and bucket, and every index partition's header and checksum are valid. Reads one
   * file at a time. Works when the space cannot be opened (a damaged log), unlike {@link
   * Space#verify()}.
   *
   * @return every damaged file, each named once; {@link VerifyResult#ok()} when there is none
   * @throws SpaceNotFoundException if the hub has no such space
   */
  public VerifyResult verify(String space) {
    return io.embeddinghub.table.Verifier.verify(ctx, space, io.embeddinghub.table.Verifier.LATEST);
  }

  /** {@link #verify(String)} of one retained version. */
  public VerifyResult verify(String space, long version) {
    if (version < 0) {
      throw new InvalidInputException("Version must be >= 0, got " + version);
    }
    return io.embeddinghub.table.Verifier.verify(ctx, space, version);
  }

  /** {@link #verify(String)} of every retained version (each file checked once). */
  public VerifyResult verifyAll(String space) {
    return io.embeddinghub.table.Verifier.verify(ctx, space, io.embeddinghub.table.Verifier.ALL);
  }

  @Override
  public String toString() {
    return "EmbeddingHub{" + root() + "}";
  }
}

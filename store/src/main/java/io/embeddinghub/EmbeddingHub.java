package io.embeddinghub;

import io.embeddinghub.engine.EmbeddedApi;
import io.embeddinghub.engine.JobRunner;
import io.embeddinghub.engine.VacuumJob;
import io.embeddinghub.engine.VerifyJob;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.table.HubContext;
import io.embeddinghub.table.HubSpaces;
import io.embeddinghub.table.SpaceOperations;
import io.embeddinghub.table.Vacuum;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
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
  private final JobRunner runner;

  private EmbeddingHub(HubContext ctx) {
    this.ctx = ctx;
    this.runner = EmbeddedApi.localRunner(ctx);
  }

  /**
   * Opens (creating its directory if needed) the hub at a URI or plain path, with a default Hadoop
   * configuration.
   *
   * @param uri the hub directory: a URI such as {@code hdfs://nn/hub} or {@code file:///data/hub},
   *     or a plain local path
   * @return the hub
   * @throws InvalidInputException if {@code uri} is null, blank or not a valid location
   * @throws EmbeddingHubException if the directory cannot be created or reached
   */
  public static EmbeddingHub open(String uri) {
    return open(uri, new Configuration());
  }

  /**
   * Opens the hub at a URI or plain path with a Hadoop configuration (credentials, settings).
   *
   * @param uri the hub directory: a URI such as {@code s3a://bucket/hub}, or a plain local path
   * @param conf the Hadoop configuration for the file system and {@link HubProperties}
   * @return the hub
   * @throws InvalidInputException if {@code uri} is null, blank or not a valid location, or
   *     {@code conf} is null
   * @throws EmbeddingHubException if the directory cannot be created or reached
   */
  public static EmbeddingHub open(String uri, Configuration conf) {
    return open(uri, conf, Clock.systemUTC());
  }

  /**
   * Opens the hub at a URI or plain path with a Hadoop configuration and the clock its commit
   * timestamps and vacuum retentions read. Tests and simulations pass a clock they move, instead of
   * sleeping; file modification times (which vacuum compares with the retention for files no
   * version references) remain the file system's.
   *
   * @param uri the hub directory: a URI such as {@code s3a://bucket/hub}, or a plain local path
   * @param conf the Hadoop configuration for the file system and {@link HubProperties}
   * @param clock the source of "now"
   * @return the hub
   * @throws InvalidInputException if {@code uri} is null, blank or not a valid location, or
   *     {@code conf} or {@code clock} is null
   * @throws EmbeddingHubException if the directory cannot be created or reached
   */
  public static EmbeddingHub open(String uri, Configuration conf, Clock clock) {
    Errors.checkNotNull(uri, "uri");
    if (uri.isBlank()) {
      throw Errors.blankHubLocation();
    }
    Errors.checkNotNull(conf, "conf");
    Errors.checkNotNull(clock, "clock");
    URI location;
    try {
      location = new Path(uri).toUri();
    } catch (IllegalArgumentException e) {
      throw Errors.invalidHubLocation(uri, e.getMessage());
    }
    try {
      FileIO io = new HadoopFileIO(location, conf);
      io.mkdirs("");
      return new EmbeddingHub(new HubContext(io, conf, clock));
    } catch (IOException e) {
      throw Errors.cannotOpenHub(uri, e);
    }
  }

  /**
   * Opens a hub over a custom {@link FileIO} (tests inject failures this way).
   *
   * @param io the file system access, rooted at the hub directory
   * @param conf the Hadoop configuration for {@link HubProperties}
   * @return the hub
   */
  public static EmbeddingHub open(FileIO io, Configuration conf) {
    Errors.checkNotNull(io, "io");
    Errors.checkNotNull(conf, "conf");
    return new EmbeddingHub(new HubContext(io, conf));
  }

  /** What this hub's spaces share (caches, settings, build counters); for tests and the connector. */
  HubContext context() {
    return ctx;
  }

  /** The local runner the embedded API runs its jobs on (optimize, index builds, compaction). */
  JobRunner runner() {
    return runner;
  }

  /** {@return the hub root, fully qualified} */
  public String root() {
    return ctx.io().root();
  }

  /**
   * Creates an L2 space with default buckets and index parameters.
   *
   * @param name the space name: 1-128 letters, digits, {@code _} or {@code -}, starting with a
   *     letter or digit
   * @param dimensions the length of every embedding, at least 1
   * @return the new, empty space
   * @throws InvalidInputException if the name or the dimensions are invalid
   * @throws SpaceAlreadyExistsException if the hub already has a space of that name
   */
  public Space createSpace(String name, int dimensions) {
    return createSpace(SpaceSpec.builder(name, dimensions).build());
  }

  /**
   * Creates a space as specified.
   *
   * @param spec the name, dimensions, metric, buckets and index parameters of the space
   * @return the new, empty space
   * @throws SpaceAlreadyExistsException if the hub already has a space of that name
   */
  public Space createSpace(SpaceSpec spec) {
    Errors.checkNotNull(spec, "spec");
    return new Space(this, SpaceOperations.create(ctx, spec));
  }

  /**
   * Opens an existing space.
   *
   * @param name the space name
   * @return the space named {@code name}, reading its latest version
   * @throws SpaceNotFoundException if the hub has no space of that name
   * @throws InvalidInputException if {@code name} is not a valid space name
   */
  public Space getSpace(String name) {
    return new Space(this, SpaceOperations.open(ctx, name));
  }

  /**
   * The space named {@code name}; with {@code downloadSnapshot} an in-memory {@link LocalSpace}
   * copy of its latest version instead.
   *
   * @param name the space name
   * @param downloadSnapshot whether to return an in-memory copy rather than the stored space
   * @return the stored {@link Space}, or its {@link LocalSpace} copy
   * @throws SpaceNotFoundException if the hub has no space of that name
   */
  public EmbeddingSpace getSpace(String name, boolean downloadSnapshot) {
    Space space = getSpace(name);
    return downloadSnapshot ? space.downloadSnapshot() : space;
  }

  /**
   * Whether a space of that name exists (a dropped space does not).
   *
   * @param name the space name
   * @return whether the hub has a space named {@code name}
   * @throws InvalidInputException if {@code name} is not a valid space name
   */
  public boolean exists(String name) {
    Errors.checkSpaceName(name);
    return HubSpaces.exists(ctx.io(), name);
  }

  /** {@return the names of all spaces, sorted} */
  public List<String> listSpaces() {
    return HubSpaces.list(ctx.io());
  }

  /**
   * Drops a space: it disappears at once; its files are deleted unless a fork still uses them
   * (those go with a later {@link #vacuum(Duration)} once nothing references them).
   *
   * @param name the space to drop
   * @throws SpaceNotFoundException if the hub has no space of that name
   * @throws InvalidInputException if {@code name} is not a valid space name
   */
  public void dropSpace(String name) {
    Errors.checkSpaceName(name);
    Vacuum.drop(ctx, name);
  }

  /**
   * Vacuums every space (see {@link Space#vacuum(Duration)}) and what dropped spaces left.
   *
   * @param retention how long a version stays readable after a newer one replaced it
   * @return the files deleted and versions expired, summed over the hub
   * @throws InvalidInputException if {@code retention} is shorter than
   *     {@link HubProperties#VACUUM_MIN_RETENTION} (default 1 hour)
   */
  public VacuumResult vacuum(Duration retention) {
    return vacuum(retention, VacuumOptions.DEFAULT);
  }

  /**
   * {@link #vacuum(Duration)} with options, such as {@link VacuumOptions#withoutRetentionCheck()}.
   *
   * @param retention how long a version stays readable after a newer one replaced it
   * @param options the retention check and dry-run settings
   * @return the files deleted (or, for a dry run, that would be) and versions expired, summed
   *     over the hub
   * @throws InvalidInputException if the retention check is on and {@code retention} is shorter
   *     than {@link HubProperties#VACUUM_MIN_RETENTION}
   */
  public VacuumResult vacuum(Duration retention, VacuumOptions options) {
    Errors.checkNotNull(retention, "retention");
    Errors.checkNotNull(options, "options");
    return VacuumJob.runHub(runner, retention, options);
  }

  /**
   * Checks every file the latest version of {@code space} references without changing anything:
   * its log entries and checkpoints parse and agree, every data file has its logged length, is
   * readable Parquet (page checksums verified) with the logged row count, keys sorted, in the
   * logged range and bucket, and every index partition's header and checksum are valid. Reads one
   * file at a time. Works when the space cannot be opened (a damaged log), unlike {@link
   * Space#verify()}.
   *
   * @param space the space's name
   * @return every damaged file, each named once; {@link VerifyResult#ok()} when there is none
   * @throws SpaceNotFoundException if the hub has no such space
   */
  public VerifyResult verify(String space) {
    return VerifyJob.latest(runner.hub(), space).run(runner);
  }

  /**
   * {@link #verify(String)} of one retained version.
   *
   * @param space the space's name
   * @param version the version whose files to check
   * @return every damaged file, each named once
   * @throws SpaceNotFoundException if the hub has no such space
   * @throws VersionNotFoundException if the version does not exist or was vacuumed
   */
  public VerifyResult verify(String space, long version) {
    return VerifyJob.at(runner.hub(), space, version).run(runner);
  }

  /**
   * {@link #verify(String)} of every retained version (each file checked once).
   *
   * @param space the space's name
   * @return every damaged file, each named once, at the oldest version referencing it
   * @throws SpaceNotFoundException if the hub has no such space
   */
  public VerifyResult verifyAll(String space) {
    return VerifyJob.all(runner.hub(), space).run(runner);
  }

  /**
   * Estimated heap bytes of the index partitions this instance holds loaded (graphs, codes, keys,
   * row references; float rows only where they could not be read in place from the data files):
   * what {@code embeddinghub.index.cache.max-bytes} bounds.
   *
   * @return the estimated heap bytes of the loaded index partitions
   */
  public long loadedIndexBytes() {
    return ctx.indexCache().bytes();
  }

  @Override
  public String toString() {
    return "EmbeddingHub{" + root() + "}";
  }
}

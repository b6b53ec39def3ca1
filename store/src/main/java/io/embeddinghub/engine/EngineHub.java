package io.embeddinghub.engine;

import io.embeddinghub.EmbeddingHubException;
import io.embeddinghub.HubProperties;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.table.HubContext;
import io.embeddinghub.table.HubSpaces;
import io.embeddinghub.table.SpaceOperations;
import io.embeddinghub.table.Vacuum;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;

/**
 * A hub as an engine sees it: the entry point of the engine API, which is what an execution
 * engine (the Spark connector) may call to plan scans at a pinned version, read one file's live
 * rows, write files and commit them, look up keys and search one search unit. One instance per
 * hub and JVM: it holds the JVM's caches of data files and index partitions, so tasks of one
 * executor share them. Thread-safe.
 *
 * <p>Everything an engine needs is in this package; the store's other packages are internal.
 */
public final class EngineHub {
  private final HubContext ctx;

  EngineHub(HubContext ctx) {
    this.ctx = Objects.requireNonNull(ctx, "ctx");
  }

  /**
   * Opens the hub at {@code root}, creating its directory if needed.
   *
   * @param root the hub's root, any Hadoop file system URI
   * @param conf the Hadoop configuration that selects and configures the file system and the
   *     hub's {@link HubProperties}
   * @return the opened hub
   * @throws EmbeddingHubException when the root cannot be opened or created
   */
  public static EngineHub open(URI root, Configuration conf) {
    try {
      HadoopFileIO io = new HadoopFileIO(root, conf);
      io.mkdirs("");
      return new EngineHub(new HubContext(io, conf));
    } catch (IOException e) {
      throw Errors.cannotOpenHubRoot(root, e);
    }
  }

  /**
   * The hub's settings, resolved from its configuration.
   *
   * @return the settings
   */
  public HubProperties.Resolved settings() {
    return ctx.settings();
  }

  /**
   * The hub's root as a URI string.
   *
   * @return the root
   */
  public String root() {
    return ctx.io().root();
  }

  /**
   * The names of the hub's spaces.
   *
   * @return the names, sorted
   */
  public List<String> spaces() {
    return HubSpaces.list(ctx.io());
  }

  /**
   * Whether a space exists.
   *
   * @param space the space's name
   * @return true when the space exists
   * @throws io.embeddinghub.InvalidInputException when the name is not a valid space name
   */
  public boolean exists(String space) {
    return HubSpaces.exists(ctx.io(), space);
  }

  /**
   * Opens an existing space.
   *
   * @param space the space's name
   * @return the space
   * @throws io.embeddinghub.SpaceNotFoundException when it does not exist
   */
  public EngineSpace space(String space) {
    return new EngineSpace(this, SpaceOperations.open(ctx, space));
  }

  /**
   * Creates an empty space.
   *
   * @param spec the new space's settings
   * @return the space
   * @throws io.embeddinghub.SpaceAlreadyExistsException when a space of that name exists
   */
  public EngineSpace create(SpaceSpec spec) {
    Errors.checkNotNull(spec, "spec");
    return new EngineSpace(this, SpaceOperations.create(ctx, spec));
  }

  /**
   * Drops a space: its log disappears at once, then its files unless a fork references them.
   *
   * @param space the space's name
   * @throws io.embeddinghub.SpaceNotFoundException when it does not exist
   */
  public void drop(String space) {
    Vacuum.drop(ctx, space);
  }

  /** The store's context of this hub, for the engine package's own classes. */
  HubContext context() {
    return ctx;
  }

  @Override
  public String toString() {
    return "EngineHub(" + root() + ")";
  }
}

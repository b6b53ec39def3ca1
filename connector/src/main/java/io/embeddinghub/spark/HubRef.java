package io.embeddinghub.spark;

import io.embeddinghub.EmbeddingHubException;
import io.embeddinghub.HubProperties;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.table.HubContext;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A hub as shipped to executors: its root and the Hadoop configuration's entries (Hadoop's
 * {@link Configuration} is not serializable). Each JVM keeps one {@link HubContext} per hub, so
 * the data file and index caches are shared by all tasks of an executor.
 *
 * <p>A hub is identified by its root and the entries that select and configure its file system or
 * EmbeddingHub ({@link #IDENTIFYING_PREFIXES}), not by the whole configuration: Spark copies every
 * SQL setting into it, and {@code spark.conf().set(...)} must not open the hub again with empty
 * caches. At most {@link HubProperties#CONTEXTS_MAX} hubs stay open per JVM, least recently used
 * out.
 */
final class HubRef implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Configuration entries that make two references to one root different hubs. */
  static final List<String> IDENTIFYING_PREFIXES =
      List.of("fs.", "dfs.", "hadoop.security.", "hadoop.rpc.", "ipc.", "parquet.", "embeddinghub.");

  /** Open hubs, least recently used first; guarded by itself. */
  private static final LinkedHashMap<ContextKey, HubContext> CONTEXTS = new LinkedHashMap<>(16, 0.75f, true);

  private final String root;
  private final Map<String, String> conf;
  private transient ContextKey contextKey;

  /** What identifies a hub's context: the root and the identifying configuration entries. */
  private record ContextKey(String root, Map<String, String> identifying) {}

  HubRef(String root, Configuration hadoopConf) {
    this.root = new Path(root).toUri().toString();
    this.conf = new HashMap<>();
    hadoopConf.forEach(e -> conf.put(e.getKey(), e.getValue()));
  }

  String root() {
    return root;
  }

  HubContext context() {
    ContextKey key = contextKey();
    synchronized (CONTEXTS) {
      HubContext open = CONTEXTS.get(key);
      if (open != null) {
        return open;
      }
    }
    HubContext opened = open(); // outside the lock: it touches the file system
    synchronized (CONTEXTS) {
      HubContext raced = CONTEXTS.putIfAbsent(key, opened);
      if (raced != null) {
        return raced;
      }
      Iterator<ContextKey> eldest = CONTEXTS.keySet().iterator();
      while (CONTEXTS.size() > opened.settings().contextsMax() && eldest.hasNext()) {
        if (!eldest.next().equals(key)) {
          eldest.remove();
        }
      }
      return opened;
    }
  }

  /** Hubs open in this JVM (for tests). */
  static int openContexts() {
    synchronized (CONTEXTS) {
      return CONTEXTS.size();
    }
  }

  private ContextKey contextKey() {
    if (contextKey != null) {
      return contextKey;
    }
    Map<String, String> identifying = new HashMap<>();
    conf.forEach((name, value) -> {
      if (IDENTIFYING_PREFIXES.stream().anyMatch(name::startsWith)) {
        identifying.put(name, value);
      }
    });
    contextKey = new ContextKey(root, identifying);
    return contextKey;
  }

  private HubContext open() {
    Configuration hadoopConf = new Configuration(false);
    conf.forEach(hadoopConf::set);
    try {
      HadoopFileIO io = new HadoopFileIO(URI.create(root), hadoopConf);
      io.mkdirs("");
      return new HubContext(io, hadoopConf);
    } catch (IOException e) {
      throw new EmbeddingHubException("Cannot open hub " + root + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HubRef && root.equals(((HubRef) o).root) && conf.equals(((HubRef) o).conf);
  }

  @Override
  public int hashCode() {
    return root.hashCode() * 31 + conf.hashCode();
  }

  @Override
  public String toString() {
    return root;
  }
}

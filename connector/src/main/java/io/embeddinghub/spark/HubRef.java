package io.embeddinghub.spark;

import io.embeddinghub.HubProperties;
import io.embeddinghub.engine.EngineHub;
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
 * {@link Configuration} is not serializable). Each JVM keeps one {@link EngineHub} per hub, so
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
  private static final LinkedHashMap<ContextKey, EngineHub> CONTEXTS = new LinkedHashMap<>(16, 0.75f, true);

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

  EngineHub engine() {
    ContextKey key = contextKey();
    synchronized (CONTEXTS) {
      EngineHub open = CONTEXTS.get(key);
      if (open != null) {
        return open;
      }
    }
    EngineHub opened = open(); // outside the lock: it touches the file system
    synchronized (CONTEXTS) {
      EngineHub raced = CONTEXTS.putIfAbsent(key, opened);
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

  /** {@return the configuration entry {@code name} shipped with this hub, or null} */
  String setting(String name) {
    return conf.get(name);
  }

  private EngineHub open() {
    Configuration hadoopConf = new Configuration(false);
    conf.forEach(hadoopConf::set);
    return EngineHub.open(URI.create(root), hadoopConf);
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

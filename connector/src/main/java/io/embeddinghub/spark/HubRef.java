package io.embeddinghub.spark;

import io.embeddinghub.EmbeddingHubException;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.table.HubContext;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A hub as shipped to executors: its root and the Hadoop configuration's entries (Hadoop's
 * {@link Configuration} is not serializable). Each JVM keeps one {@link HubContext} per hub, so
 * the data file and index caches are shared by all tasks of an executor.
 */
final class HubRef implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<HubRef, HubContext> CONTEXTS = new ConcurrentHashMap<>();

  private final String root;
  private final Map<String, String> conf;

  HubRef(String root, Configuration hadoopConf) {
    this.root = new Path(root).toUri().toString();
    this.conf = new HashMap<>();
    hadoopConf.forEach(e -> conf.put(e.getKey(), e.getValue()));
  }

  String root() {
    return root;
  }

  HubContext context() {
    return CONTEXTS.computeIfAbsent(this, HubRef::open);
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

package io.embeddinghub.spark;

import io.embeddinghub.engine.FoundRows;
import io.embeddinghub.engine.EngineSnapshot;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * One task of a distributed multidelete: finds the live rows of its bucket's keys in the pinned
 * version, reading only that bucket's key lists, and returns their positions (never the keys) for
 * the driver to commit. Input rows are {@code (key, bucket)}.
 */
final class BucketDeletes extends AbstractFunction1<Iterator<Row>, Iterator<FoundRows>> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final HubRef hub;
  private final EngineSnapshot state;

  BucketDeletes(HubRef hub, EngineSnapshot state) {
    this.hub = hub;
    this.state = state;
  }

  /** Shown by {@code explain}. */
  @Override
  public String toString() {
    return "EmbeddingHubFindDeletes(" + state.space() + "@v" + state.version() + ")";
  }

  @Override
  public Iterator<FoundRows> apply(Iterator<Row> keys) {
    java.util.Iterator<String> keyValues = ScalaCollections.asJava(keys.map(row -> row.getString(0)));
    FoundRows found = state.reader(hub.engine()).findRows(keyValues);
    return ScalaCollections.asScala(List.of(found).iterator());
  }
}

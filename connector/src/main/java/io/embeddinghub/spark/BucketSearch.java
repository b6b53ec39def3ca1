package io.embeddinghub.spark;

import io.embeddinghub.KeyFilter;
import io.embeddinghub.Neighbor;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.engine.EngineSnapshot;
import io.embeddinghub.engine.SnapshotReader;
import java.io.Serializable;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * One task of a distributed nearest-neighbor query. Input rows are {@code (query id, vector,
 * excluded key, unit, carried...)}; for each, it searches that search unit of the pinned version
 * ({@link EngineSnapshot#searchUnits}: one index partition, or one bucket's unindexed files, or for
 * exact search one bucket's files) and emits the unit's local top-k as {@code (query id, key,
 * distance, carried...)}. Queries stream through; nothing is collected, and only a key filter is
 * broadcast (below).
 *
 * <p>For {@link EmbeddingHubSpark#nearestNeighbors} a null query vector is an error. For a
 * nearest-neighbor join it has no match (as in Spark's own plan), and for an outer join the
 * first tail unit (which every query visits) also emits one row with a null key and distance per query, so that queries no bucket answers
 * (a null vector, an empty space) are kept; the merge sorts these last.
 *
 * <p>A key filter travels as a broadcast, not in each task: an allowed-key set may hold 10^6 keys,
 * and the tasks of one executor then share one filter object, which is what the store's per-filter
 * memo (the allowed rows, the few rows of a partition that pass) is keyed by.
 */
final class BucketSearch extends AbstractFunction1<Iterator<Row>, Iterator<Row>> implements Serializable {
  private static final long serialVersionUID = 2L;

  private final HubRef hub;
  private final EngineSnapshot state;
  private final int k;
  /** The options without their filter (see {@link #filter}). */
  private final SearchOptions unfiltered;
  /** The options' filter, or null when they have none. */
  private final Broadcast<KeyFilter> filter;
  private transient SearchOptions options;
  private final boolean forJoin;
  private final boolean markUnanswered;
  private final String description;

  private BucketSearch(HubRef hub, EngineSnapshot state, int k, SearchOptions options, boolean forJoin,
      boolean markUnanswered, String description) {
    this.hub = hub;
    this.state = state;
    this.k = k;
    this.unfiltered = options.withFilter(KeyFilter.EVERY);
    this.filter = options.filtered()
        ? JavaSparkContext.fromSparkContext(SparkSession.active().sparkContext()).broadcast(options.filter())
        : null;
    this.options = options;
    this.forJoin = forJoin;
    this.markUnanswered = markUnanswered;
    this.description = description;
  }

  /** How many search units a query of {@code state} fans out to. */
  static int units(EngineSnapshot state, SearchOptions options) {
    return state.searchUnits(options);
  }

  /** For queries given as vectors or stored keys: a null vector is an error. */
  static BucketSearch forQueries(HubRef hub, EngineSnapshot state, int k, SearchOptions options, String space) {
    return new BucketSearch(hub, state, k, options, false, false, space);
  }

  /** For a nearest-neighbor join: a null vector has no match; an outer join marks every query. */
  static BucketSearch forJoin(HubRef hub, EngineSnapshot state, int k, SearchOptions options, boolean outer, String space) {
    return new BucketSearch(hub, state, k, options, true, outer, space);
  }

  /** The search options, with the filter this executor holds. */
  private SearchOptions options() {
    if (options == null) {
      options = filter == null ? unfiltered : unfiltered.withFilter(filter.value());
    }
    return options;
  }

  @Override
  public Iterator<Row> apply(Iterator<Row> queries) {
    return ScalaCollections.asScala(new Answers(ScalaCollections.asJava(queries)));
  }

  /** Shown by {@code explain}: which space and version is probed, and how. */
  @Override
  public String toString() {
    return "EmbeddingHubNearestNeighbors(" + description + "@v" + state.version() + ", k=" + k
        + (options().targetRecall() > 0 ? ", targetRecall=" + options().targetRecall() : "")
        + ", " + state.searchPlan(options()) + ")";
  }

  /** The answers of one task's queries, computed one query at a time. */
  private final class Answers implements java.util.Iterator<Row> {
    private final java.util.Iterator<Row> queries;
    private final SnapshotReader reader = state.reader(hub.engine());
    private Row query;
    private java.util.Iterator<Neighbor> current = List.<Neighbor>of().iterator();
    private Row pendingMarker;

    Answers(java.util.Iterator<Row> queries) {
      this.queries = queries;
    }

    @Override
    public boolean hasNext() {
      while (!current.hasNext() && pendingMarker == null && queries.hasNext()) {
        query = queries.next();
        int unit = query.getInt(3);
        if (markUnanswered && unit == state.firstTailUnit(options())) {
          pendingMarker = output(null, null);
        }
        if (query.isNullAt(1)) {
          if (!forJoin) {
            throw SparkErrors.nullQueryVector(query.get(0));
          }
          continue;
        }
        float[] vector = SparkVectors.toFloats(query.get(1));
        String excluded = query.isNullAt(2) ? null : query.getString(2);
        current = reader.nearestInUnit(unit, k, vector, options(), excluded).iterator();
      }
      return current.hasNext() || pendingMarker != null;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      if (current.hasNext()) {
        Neighbor n = current.next();
        return output(n.key(), n.distance());
      }
      Row marker = pendingMarker;
      pendingMarker = null;
      return marker;
    }

    private Row output(String key, Float distance) {
      Object[] values = new Object[3 + query.length() - 4];
      values[0] = query.get(0);
      values[1] = key;
      values[2] = distance;
      for (int i = 4; i < query.length(); i++) {
        values[3 + i - 4] = query.get(i);
      }
      return RowFactory.create(values);
    }
  }
}

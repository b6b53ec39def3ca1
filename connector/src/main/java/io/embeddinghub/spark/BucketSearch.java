package io.embeddinghub.spark;

import io.embeddinghub.Neighbor;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.HubContext;
import io.embeddinghub.table.StateReader;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One task of a distributed nearest-neighbor query: rows are (query id, vector, excluded key,
 * bucket); for each, it searches that bucket's files of the pinned version (HNSW with
 * over-fetch past deletions, or exactly) and emits the bucket's local top-k. Queries stream
 * through; nothing is collected or broadcast.
 */
final class BucketSearch implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final HubRef hub;
  private final SpaceState state;
  private final int k;
  private final SearchOptions options;

  BucketSearch(HubRef hub, SpaceState state, int k, SearchOptions options) {
    this.hub = hub;
    this.state = state;
    this.k = k;
    this.options = options;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> queries) {
    HubContext ctx = hub.context();
    Map<Integer, StateReader> readers = new HashMap<>();
    int dims = state.metadata().spec().dimensions();
    return new Iterator<>() {
      private Object id;
      private Iterator<Neighbor> current = List.<Neighbor>of().iterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && queries.hasNext()) {
          Row q = queries.next();
          id = q.get(0);
          float[] vector = SparkVectors.toFloats(q.get(1));
          Errors.checkQuery(vector, dims, state.metadata().spec().metric());
          String excluded = q.isNullAt(2) ? null : q.getString(2);
          StateReader reader = readers.computeIfAbsent(q.getInt(3), b -> new StateReader(ctx, state.bucketSlice(b)));
          current = reader.nearest(k, vector, options, excluded).iterator();
        }
        return current.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Neighbor n = current.next();
        return RowFactory.create(id, n.key(), n.distance());
      }
    };
  }
}

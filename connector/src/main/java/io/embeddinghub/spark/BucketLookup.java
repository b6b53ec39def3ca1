package io.embeddinghub.spark;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.StateReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One task of a distributed multiget: its keys all belong to the buckets this partition was given
 * (the keys were shuffled by bucket), and it reads those buckets' files of the pinned version in
 * place, through the executor's caches. The space's rows never cross the network.
 */
final class BucketLookup implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final HubRef hub;
  private final SpaceState state;
  private final MissingKeys missing;

  BucketLookup(HubRef hub, SpaceState state, MissingKeys missing) {
    this.hub = hub;
    this.state = state;
    this.missing = missing;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> keys) {
    StateReader reader = new StateReader(hub.context(), state);
    List<Row> out = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    while (keys.hasNext()) {
      Row row = keys.next();
      String key = row.getString(0);
      Optional<float[]> vector = key == null || key.isEmpty() ? Optional.empty() : reader.find(key);
      if (vector.isPresent()) {
        out.add(RowFactory.create(key, SparkVectors.toSeq(vector.get())));
      } else if (missing == MissingKeys.NULL) {
        out.add(RowFactory.create(key, null));
      } else if (missing == MissingKeys.FAIL) {
        absent.add(key);
      }
    }
    if (!absent.isEmpty()) {
      throw Errors.keysNotFound(state.metadata().spec().name(), absent);
    }
    return out.iterator();
  }
}

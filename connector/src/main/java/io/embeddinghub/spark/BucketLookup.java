package io.embeddinghub.spark;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.StateReader;
import java.util.ArrayList;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One task of a distributed multiget: its keys all belong to the buckets this partition was given
 * (the keys were shuffled by bucket), and it reads those buckets' files of the pinned version in
 * place, through the executor's caches. The space's rows never cross the network.
 *
 * <p>Input rows are {@code (key, bucket, carried...)}; output rows {@code (key, embedding,
 * carried...)}.
 */
final class BucketLookup extends AbstractFunction1<Iterator<Row>, Iterator<Row>> implements Serializable {
  private static final long serialVersionUID = 2L;

  private final HubRef hub;
  private final SpaceState state;
  private final MissingKeys missing;

  BucketLookup(HubRef hub, SpaceState state, MissingKeys missing) {
    this.hub = hub;
    this.state = state;
    this.missing = missing;
  }

  /** Shown by {@code explain}. */
  @Override
  public String toString() {
    return "EmbeddingHubLookup(" + state.metadata().spec().name() + "@v" + state.version() + ", missing keys: "
        + missing.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }

  @Override
  public Iterator<Row> apply(Iterator<Row> keys) {
    StateReader reader = new StateReader(hub.context(), state);
    List<Row> out = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    while (keys.hasNext()) {
      Row row = keys.next();
      String key = row.getString(0);
      Optional<float[]> vector = key == null || key.isEmpty() ? Optional.empty() : reader.find(key);
      if (vector.isPresent()) {
        out.add(output(row, SparkVectors.toSeq(vector.get())));
      } else if (missing == MissingKeys.NULL) {
        out.add(output(row, null));
      } else if (missing == MissingKeys.FAIL) {
        absent.add(key);
      }
    }
    if (!absent.isEmpty()) {
      throw Errors.keysNotFound(state.metadata().spec().name(), absent);
    }
    return CollectionConverters.asScala(out.iterator());
  }

  private static Row output(Row input, Object embedding) {
    Object[] values = new Object[input.length()];
    values[0] = input.get(0);
    values[1] = embedding;
    for (int i = 2; i < values.length; i++) {
      values[i] = input.get(i);
    }
    return RowFactory.create(values);
  }
}

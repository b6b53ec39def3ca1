package io.embeddinghub.spark;

import io.embeddinghub.engine.EngineSnapshot;
import io.embeddinghub.engine.SnapshotReader;
import io.embeddinghub.engine.Validation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.Iterator;
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
  private final EngineSnapshot state;
  private final MissingKeys missing;

  BucketLookup(HubRef hub, EngineSnapshot state, MissingKeys missing) {
    this.hub = hub;
    this.state = state;
    this.missing = missing;
  }

  /** Shown by {@code explain}. */
  @Override
  public String toString() {
    return "EmbeddingHubLookup(" + state.space() + "@v" + state.version() + ", missing keys: "
        + missing.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }

  @Override
  public Iterator<Row> apply(Iterator<Row> keys) {
    return ScalaCollections.asScala(new Found(ScalaCollections.asJava(keys)));
  }

  /**
   * The task's output, one key at a time. With {@link MissingKeys#FAIL} it fails once its keys
   * are exhausted, naming every key of the task that was missing.
   */
  private final class Found implements java.util.Iterator<Row> {
    private final java.util.Iterator<Row> keys;
    private final SnapshotReader reader = state.reader(hub.engine());
    private final List<String> absent = new ArrayList<>();
    private Row next;

    Found(java.util.Iterator<Row> keys) {
      this.keys = keys;
    }

    @Override
    public boolean hasNext() {
      while (next == null && keys.hasNext()) {
        Row row = keys.next();
        String key = row.getString(0);
        Optional<float[]> vector = key == null || key.isEmpty() ? Optional.empty() : reader.find(key);
        if (vector.isPresent()) {
          next = output(row, SparkVectors.toSeq(vector.get()));
        } else if (missing == MissingKeys.NULL) {
          next = output(row, null);
        } else if (missing == MissingKeys.FAIL) {
          absent.add(key);
        }
      }
      if (next == null && !absent.isEmpty()) {
        throw Validation.keysNotFound(state.space(), absent);
      }
      return next != null;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row row = next;
      next = null;
      return row;
    }
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

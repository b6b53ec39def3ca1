package io.embeddinghub.engine;

import io.embeddinghub.Neighbor;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.HubContext;
import io.embeddinghub.table.RowDeletes;
import io.embeddinghub.table.StateReader;
import io.embeddinghub.table.Vacuum;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads one pinned version through the caches of the JVM's {@link EngineHub}: key lookups and
 * nearest-neighbor searches, whole or one search unit at a time. These are the reads of the
 * embedded API ({@link io.embeddinghub.Space}), with its argument checks and messages; a data
 * file deleted by a vacuum is reported as the version's expiry
 * ({@link io.embeddinghub.VersionNotFoundException}). Thread-safe.
 */
public final class SnapshotReader {
  private final HubContext ctx;
  private final SpaceState state;
  private final StateReader reader;

  SnapshotReader(HubContext ctx, SpaceState state) {
    this.ctx = ctx;
    this.state = state;
    this.reader = new StateReader(ctx, state);
  }

  private <T> T read(Supplier<T> read) {
    return Vacuum.readPinned(ctx, state, read);
  }

  /**
   * The embedding of a key.
   *
   * @param key the key
   * @return its embedding, or empty when the version does not hold it
   * @throws io.embeddinghub.InvalidInputException when the key is not a valid key
   */
  public Optional<float[]> find(String key) {
    return read(() -> reader.find(key));
  }

  /**
   * The embedding of a key the version must hold.
   *
   * @param key the key
   * @return its embedding
   * @throws io.embeddinghub.KeyNotFoundException when the version does not hold it
   * @throws io.embeddinghub.InvalidInputException when the key is not a valid key
   */
  public float[] get(String key) {
    return read(() -> reader.get(key));
  }

  /**
   * The embeddings of the keys the version holds; few keys are read by point reads.
   *
   * @param keys the keys
   * @return the found keys' embeddings, in the order of {@code keys}
   * @throws io.embeddinghub.InvalidInputException when a key is not a valid key
   */
  public Map<String, float[]> findAll(List<String> keys) {
    Errors.checkNotNull(keys, "keys");
    return read(() -> reader.findAll(keys));
  }

  /**
   * The {@code k} nearest live rows to a stored key's embedding, leaving the key out.
   *
   * @param k how many neighbors, at least 0
   * @param key the stored key
   * @param options the search's options
   * @return the neighbors, nearest first
   * @throws io.embeddinghub.KeyNotFoundException when the version does not hold the key
   * @throws io.embeddinghub.InvalidInputException when an argument is invalid
   */
  public List<Neighbor> nearestToKey(int k, String key, SearchOptions options) {
    return read(() -> reader.nearestToKey(k, key, options));
  }

  /**
   * The {@code k} nearest live rows to a query vector.
   *
   * @param k how many neighbors, at least 0
   * @param vector the query, of the space's dimensions
   * @param options the search's options
   * @return the neighbors, nearest first
   * @throws io.embeddinghub.InvalidInputException when an argument is invalid
   */
  public List<Neighbor> nearestToVector(int k, float[] vector, SearchOptions options) {
    return read(() -> reader.nearestToVector(k, vector, options));
  }

  /**
   * The {@code k} nearest live rows within one search unit (see {@link EngineSnapshot#searchUnits}).
   *
   * @param unit the unit
   * @param k how many neighbors, at least 0
   * @param query the query vector
   * @param options the search's options
   * @param excludedKey a key to leave out of the answer, or null
   * @return the unit's neighbors, nearest first
   * @throws io.embeddinghub.InvalidInputException when the query is not a valid query
   */
  public List<Neighbor> nearestInUnit(int unit, int k, float[] query, SearchOptions options, String excludedKey) {
    Errors.checkSearch(k, options);
    Errors.checkQuery(query, state.metadata().spec().dimensions(), state.metadata().spec().metric());
    return read(() -> reader.nearestInUnit(unit, k, query, options, excludedKey));
  }

  /**
   * Finds the live rows of keys, for {@link EngineSpace#commitDeletes}: the rows' positions, never
   * the keys. Reads only the key lists of the files that may hold them.
   *
   * @param keys the keys; absent ones are ignored
   * @return the rows found
   */
  public FoundRows findRows(Iterator<String> keys) {
    Errors.checkNotNull(keys, "keys");
    return read(() -> new FoundRows(RowDeletes.find(ctx, state, keys)));
  }
}

package io.embeddinghub.index;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * A nearest-neighbor index over the rows of one data file. Searches take a query prepared by
 * {@link IndexedRows#prepareQuery} and an {@code accept} filter (rows deleted in the version
 * being read, or the query key itself, are rejected), and return accepted rows nearest first.
 *
 * <p>{@link ExactIndex} is the brute-force twin every approximate backend is measured against.
 * A backend is named in its index file's header, so another one (Lucene's HNSW, say) can be
 * added without touching the log, the data files or the query path. Implementations are
 * thread-safe for concurrent searches.
 */
public interface VectorIndex {
  /**
   * Up to {@code k} accepted rows nearest to {@code preparedQuery}, nearest first, exploring a
   * candidate list of at least {@code max(ef, k)}. May return fewer than {@code k} accepted rows
   * when an approximate search could not find them; callers then fall back to exact search.
   */
  List<RowHit> search(float[] preparedQuery, int k, int ef, IntPredicate accept);

  /** Number of rows indexed. */
  int rows();

  /** Estimated heap bytes, for the index cache's budget. */
  long memoryBytes();

  /** The backend's name, as written in index file headers. */
  String backend();
}

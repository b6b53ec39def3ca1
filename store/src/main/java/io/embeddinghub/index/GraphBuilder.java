package io.embeddinghub.index;

import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;

/**
 * Builds the HNSW graph of one index partition over prepared rows ({@link IndexedRows#prepare}),
 * node {@code i} being row {@code i}. The builder's name and version are written in the index
 * file's header; searches never depend on which builder made a graph.
 */
public interface GraphBuilder {
  HnswGraph build(float[] preparedRows, int dimensions, Metric metric, IndexParams params, int threads);

  String name();

  String version();
}

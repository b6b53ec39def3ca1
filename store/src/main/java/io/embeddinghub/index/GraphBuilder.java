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

  /** A graph with its nodes renumbered, and the renumbering: node {@code i} is row {@code order[i]}. */
  record Ordered(HnswGraph graph, int[] order) {}

  /**
   * The graph of {@link #build}, renumbered in its breadth-first order ({@link
   * HnswGraph#breadthFirstOrder}, so rows searched together sit together), with that order. This
   * default holds both graphs while renumbering; a builder that can renumber its own state in
   * place overrides it.
   */
  default Ordered buildInBreadthFirstOrder(
      float[] preparedRows, int dimensions, Metric metric, IndexParams params, int threads) {
    HnswGraph graph = build(preparedRows, dimensions, metric, params, threads);
    int[] order = graph.breadthFirstOrder();
    return new Ordered(graph.renumbered(order), order);
  }

  String name();

  String version();
}

package io.embeddinghub.index;

import io.embeddinghub.internal.Errors;
import java.util.List;

/**
 * The graph builders on offer, by the name written in index file headers. {@link #DEFAULT} is
 * the one that measured better (bench {@code GraphBuilderBench}, docs/BENCHMARKS.md): our flat
 * builder produces graphs of the same quality as hnswlib-core at equal M/efConstruction, in about
 * half the time on one thread; hnswlib-core stays selectable
 * ({@link io.embeddinghub.HubProperties#INDEX_BUILDER}).
 */
public final class GraphBuilders {
  public static final GraphBuilder DEFAULT = new FlatHnswBuilder();
  private static final List<GraphBuilder> ALL = List.of(DEFAULT, new HnswlibCoreBuilder());

  private GraphBuilders() {}

  /** The builder called {@code name}. */
  public static GraphBuilder named(String name) {
    for (GraphBuilder b : ALL) {
      if (b.name().equals(name)) {
        return b;
      }
    }
    throw Errors.unknownIndexBuilder(name, ALL.stream().map(GraphBuilder::name).toList());
  }
}

package io.embeddinghub.index;

/** The graph builders on offer; {@link #DEFAULT} is the one that measured best (docs/ARCHITECTURE.md). */
public final class GraphBuilders {
  public static final GraphBuilder DEFAULT = new HnswlibCoreBuilder();

  private GraphBuilders() {}
}

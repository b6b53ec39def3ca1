package io.embeddinghub.engine;

import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.HubContext;

/**
 * The embedded API's way to the jobs: the public API ({@code io.embeddinghub}) holds the store's
 * internal state and runs the same jobs as an engine, on the {@linkplain JobRunner#local local
 * runner}. The one public class of this package whose signatures name internal types
 * ({@code EngineApiSurfaceTest} allows exactly it); the connector and the CLI cannot name those
 * types ({@code StoreBoundaryTest}), so they cannot call it.
 */
public final class EmbeddedApi {
  private EmbeddedApi() {}

  /**
   * The local runner over the hub {@code ctx} belongs to.
   *
   * @param ctx the hub's context
   * @return a runner whose tasks run in this JVM
   */
  public static JobRunner localRunner(HubContext ctx) {
    return JobRunner.local(new EngineHub(ctx));
  }

  /**
   * Applies the policies that follow a write ({@link AfterWrite}) to the version it committed.
   *
   * @param runner where compaction and an inline index build run
   * @param written the version the write committed
   * @param indexing where an index build that is due runs
   * @return what ran in this call
   */
  public static AfterWrite.Result afterWrite(JobRunner runner, SpaceState written, AfterWrite.Indexing indexing) {
    return AfterWrite.apply(runner, written, indexing);
  }
}

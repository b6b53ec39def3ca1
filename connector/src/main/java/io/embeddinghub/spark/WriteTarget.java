package io.embeddinghub.spark;

import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.engine.AfterWrite;
import java.io.Serializable;

/**
 * What write tasks need to know of the space they write to (serializable, unlike
 * {@link SpaceSpec}): its name and settings, with dimensions unknown (0) when a write creates
 * the space and infers them from the rows.
 */
record WriteTarget(
    HubRef hub, String space, int dimensions, String metric, int buckets, int m, int efConstruction, int ef,
    long targetFileBytes, long targetFileRows, boolean embeddingIsDouble, int keyOrdinal, int embeddingOrdinal, boolean dedupe,
    AfterWrite.Indexing indexing)
    implements Serializable {

  static WriteTarget of(HubRef hub, SpaceSpec spec, boolean dimensionsKnown, boolean embeddingIsDouble,
      int keyOrdinal, int embeddingOrdinal, boolean dedupe, AfterWrite.Indexing indexing) {
    IndexParams p = spec.indexParams();
    return new WriteTarget(hub, spec.name(), dimensionsKnown ? spec.dimensions() : 0, spec.metric().id(),
        spec.buckets(), p.m(), p.efConstruction(), p.ef(), spec.targetFileBytes(), spec.targetFileRows(), embeddingIsDouble, keyOrdinal, embeddingOrdinal, dedupe,
        indexing);
  }

  /** The spec with {@code dims} dimensions (the known ones, or those a task inferred). */
  SpaceSpec spec(int dims) {
    if (dimensions != 0 && dims != dimensions) {
      throw SparkErrors.rowDimensionsMismatch(dims, space, dimensions);
    }
    return SpaceSpec.builder(space, dims)
        .metric(Metric.parse(metric))
        .buckets(buckets)
        .indexParams(new IndexParams(m, efConstruction, ef))
        .targetFileBytes(targetFileBytes)
        .targetFileRows(targetFileRows)
        .build();
  }
}

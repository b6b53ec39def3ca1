package io.embeddinghub.log;

import io.embeddinghub.SpaceSpec;
import java.util.Objects;

/**
 * What a space was created with, written in version 0 of its log (and in every checkpoint).
 *
 * @param spec name, dimensions, metric, buckets and index parameters
 * @param createdAtMillis creation time
 * @param forkedFrom the space and version this space was forked from, or null
 */
public record SpaceMetadata(SpaceSpec spec, long createdAtMillis, ForkOrigin forkedFrom)
    implements java.io.Serializable {
  public SpaceMetadata {
    Objects.requireNonNull(spec, "spec");
  }

  /** The parent of a fork. */
  public record ForkOrigin(String space, long version) implements java.io.Serializable {}
}

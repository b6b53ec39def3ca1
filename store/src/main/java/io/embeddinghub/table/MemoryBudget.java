package io.embeddinghub.table;

/**
 * One JVM's heap, divided: the data file cache, the index cache and the write buffer take the
 * shares their settings give them ({@link io.embeddinghub.HubProperties}); half of what is left is
 * the budget of the task running in this JVM (an index partition's build, a compaction group's
 * merge, a shuffle's buffers), the other half headroom for the JVM's own classes, buffers and
 * garbage — at least an eighth of the heap. A job sizes its units of work from
 * its runner's task budget, so a build that would not fit splits into more partitions instead of
 * failing.
 */
public final class MemoryBudget {
  private final long heapBytes;
  private final long cachesBytes;

  MemoryBudget(long heapBytes, long cachesBytes) {
    this.heapBytes = heapBytes;
    this.cachesBytes = cachesBytes;
  }

  static MemoryBudget of(io.embeddinghub.HubProperties.Resolved settings) {
    return new MemoryBudget(Runtime.getRuntime().maxMemory(),
        settings.cacheMaxBytes() + settings.indexCacheMaxBytes() + settings.writeBufferBytes());
  }

  /** The heap a task may hold in this JVM. */
  public long taskBytes() {
    return Math.max(heapBytes / 8, (heapBytes - cachesBytes) / 2);
  }

  @Override
  public String toString() {
    return "MemoryBudget{heap=" + heapBytes + ", caches=" + cachesBytes + ", task=" + taskBytes() + "}";
  }
}

package io.embeddinghub;

/**
 * What {@link Space#optimize()} did: the version it committed (or the unchanged latest version
 * when nothing needed compaction), data files replaced and written, and live rows rewritten.
 */
public record OptimizeResult(long version, int filesRemoved, int filesAdded, long rowsRewritten) {}

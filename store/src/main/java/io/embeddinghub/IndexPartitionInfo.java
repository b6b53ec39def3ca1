package io.embeddinghub;

/**
 * One index partition of a version, as {@link Space#indexPartitions()} reports it.
 *
 * @param path index file, relative to the hub root
 * @param build id shared by the partitions of one index build
 * @param rows rows its graph holds (rows deleted since are filtered at query time)
 * @param sizeBytes file length
 * @param dataFiles number of data files it holds rows of
 * @param routed whether a coarse quantizer assigned its rows (queries probe it by centroid
 *     distance) or it is its build's only partition (probed by every query)
 */
public record IndexPartitionInfo(String path, String build, long rows, long sizeBytes, int dataFiles, boolean routed) {}

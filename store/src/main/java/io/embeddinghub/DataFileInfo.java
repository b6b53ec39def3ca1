package io.embeddinghub;

/**
 * One data file of a version, as {@link StoredSpaceReads#dataFiles()} reports it.
 *
 * @param path Parquet file, relative to the hub root
 * @param bucket the key bucket all its rows belong to
 * @param rows rows written in it
 * @param liveRows rows not deleted (or overwritten) in this version
 * @param sizeBytes file length
 * @param minKey smallest key, in the store's key order
 * @param maxKey largest key
 */
public record DataFileInfo(
    String path, int bucket, long rows, long liveRows, long sizeBytes, String minKey, String maxKey) {}

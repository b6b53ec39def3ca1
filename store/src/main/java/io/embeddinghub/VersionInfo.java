package io.embeddinghub;

import java.time.Instant;

/**
 * One entry of a space's history: the version, when it was committed, the operation that made
 * it, how many rows it added and deleted, and how many keys the space held afterwards.
 *
 * @param version the version number
 * @param timestamp when it was committed
 * @param operation the operation that made it, such as {@code set}, {@code multiset} or
 *     {@code optimize}
 * @param rowsAdded rows it added
 * @param rowsDeleted rows it deleted
 * @param size keys the space held afterwards
 */
public record VersionInfo(
    long version, Instant timestamp, String operation, long rowsAdded, long rowsDeleted, long size) {}

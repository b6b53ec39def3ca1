package io.embeddinghub.spark;

import io.embeddinghub.log.DataFile;
import org.apache.spark.sql.connector.read.InputPartition;

/** One live data file of the pinned version: what one read task reads. */
record SparkInputPartition(HubRef hub, DataFile file, String deletedRows, int dimensions, boolean keysOnly)
    implements InputPartition {}

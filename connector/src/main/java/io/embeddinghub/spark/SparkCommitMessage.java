package io.embeddinghub.spark;

import io.embeddinghub.engine.WrittenFile;
import java.util.List;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/** The files one task wrote, and the dimensions of its rows (0 when it wrote none). */
record SparkCommitMessage(List<WrittenFile> files, int dimensions) implements WriterCommitMessage {}

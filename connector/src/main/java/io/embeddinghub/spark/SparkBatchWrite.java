package io.embeddinghub.spark;

import io.embeddinghub.InvalidInputException;
import io.embeddinghub.SpaceAlreadyExistsException;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.table.FileBatchWriter;
import io.embeddinghub.table.HubContext;
import io.embeddinghub.table.SpaceEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * The driver side of a write: tasks write files and return them; {@link #commit} creates the
 * space if the write creates it and commits every file as one version (an upsert, or for
 * overwrite a replacement of the whole content) through the store's optimistic commit. Spark's
 * commit coordinator lets one attempt per partition commit, so retried and speculative tasks
 * never contribute twice; {@link #abort} deletes the files of the messages it is given.
 */
final class SparkBatchWrite implements BatchWrite {
  private final WriteTarget target;
  private final boolean replaceAll;
  private final SparkOptions options;

  SparkBatchWrite(WriteTarget target, boolean replaceAll, SparkOptions options) {
    this.target = target;
    this.replaceAll = replaceAll;
    this.options = options;
  }

  @Override
  public DataWriterFactory createBatchWriterFactory(PhysicalWriteInfo info) {
    return new WriterFactory(target);
  }

  /** Shipped to executors: holds only the serializable target. */
  private record WriterFactory(WriteTarget target) implements DataWriterFactory {
    @Override
    public DataWriter<InternalRow> createWriter(int partitionId, long taskId) {
      return new SparkDataWriter(target);
    }
  }

  @Override
  public void commit(WriterCommitMessage[] messages) {
    List<DataFile> files = new ArrayList<>();
    TreeSet<Integer> dims = new TreeSet<>();
    for (WriterCommitMessage m : messages) {
      SparkCommitMessage message = (SparkCommitMessage) m;
      files.addAll(message.files());
      if (message.dimensions() > 0) {
        dims.add(message.dimensions());
      }
    }
    HubContext ctx = target.hub().context();
    SpaceEngine engine;
    try {
      if (dims.size() > 1) {
        throw new InvalidInputException(
            "Rows of one write to space '" + target.space() + "' have different dimensions: " + dims);
      }
      engine = openOrCreate(ctx, dims.isEmpty() ? null : dims.first());
    } catch (RuntimeException e) {
      FileBatchWriter.deleteQuietly(ctx, files); // certainly not committed
      throw e;
    }
    // deletes the files itself when the commit certainly failed, never when its outcome is unknown
    engine.commitWrittenFiles(replaceAll ? "spark-overwrite" : "spark-append", files, replaceAll);
  }

  private SpaceEngine openOrCreate(HubContext ctx, Integer dims) {
    if (target.dimensions() > 0 || io.embeddinghub.table.HubSpaces.exists(ctx.io(), target.space())) {
      return SpaceEngine.open(ctx, target.space());
    }
    Integer wanted = options.dimensions() != null ? options.dimensions() : dims;
    if (wanted == null) {
      throw new InvalidInputException(
          "Cannot create space '" + target.space() + "' from an empty write without option 'dimensions'");
    }
    try {
      return SpaceEngine.create(ctx, target.spec(wanted));
    } catch (SpaceAlreadyExistsException e) {
      return SpaceEngine.open(ctx, target.space()); // a concurrent writer created it
    }
  }

  @Override
  public void abort(WriterCommitMessage[] messages) {
    HubContext ctx = target.hub().context();
    for (WriterCommitMessage m : messages) {
      if (m instanceof SparkCommitMessage message) {
        FileBatchWriter.deleteQuietly(ctx, message.files());
      }
    }
  }
}

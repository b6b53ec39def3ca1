package io.embeddinghub.spark;

import io.embeddinghub.SpaceAlreadyExistsException;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.engine.AfterWrite;
import io.embeddinghub.engine.EngineHub;
import io.embeddinghub.engine.EngineSpace;
import io.embeddinghub.engine.FileWriter;
import io.embeddinghub.engine.EngineSnapshot;
import io.embeddinghub.engine.WrittenFile;
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
 * never contribute twice.
 *
 * <p>Cleanup: until the files are handed to the store's commit, {@link #abort} deletes the files
 * of the messages it is given. Once they are, the store owns them: it deletes them when the
 * commit certainly failed and keeps them when the outcome is unknown (the version may have
 * landed and reference them). Spark calls {@link #abort} after a failed {@link #commit} too, so
 * from that point on it deletes nothing.
 */
final class SparkBatchWrite implements BatchWrite {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SparkBatchWrite.class);
  private final WriteTarget target;
  private final boolean replaceAll;
  /** Set just before the store's commit starts; from then on only the store deletes files. */
  private volatile boolean handedToStore;

  SparkBatchWrite(WriteTarget target, boolean replaceAll) {
    this.target = target;
    this.replaceAll = replaceAll;
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
    List<WrittenFile> files = new ArrayList<>();
    TreeSet<Integer> dims = new TreeSet<>();
    for (WriterCommitMessage m : messages) {
      SparkCommitMessage message = (SparkCommitMessage) m;
      files.addAll(message.files());
      if (message.dimensions() > 0) {
        dims.add(message.dimensions());
      }
    }
    EngineHub hub = target.hub().engine();
    EngineSpace engine;
    try {
      if (dims.size() > 1) {
        throw SparkErrors.mixedDimensions(target.space(), dims);
      }
      engine = openOrCreate(hub, dims.isEmpty() ? null : dims.first());
      if (!files.isEmpty()) {
        checkWrittenFor(engine.spec(), dims.first());
      }
    } catch (RuntimeException e) {
      FileWriter.deleteQuietly(hub, files); // certainly not committed
      throw e;
    }
    handedToStore = true;
    // deletes the files itself when the commit certainly failed, never when its outcome is unknown
    EngineSnapshot written = engine.commitFiles(replaceAll ? "spark-overwrite" : "spark-append", files, replaceAll);
    afterWrite(written);
  }

  /**
   * The policies that follow a write, as the embedded API applies them, run as Spark jobs: by
   * default the write's action indexes the unindexed rows once they pass the auto-index
   * threshold (a version of its own, after the write's, logged with its time); the {@code index}
   * option {@code defer} leaves them to {@code build_index} or {@code optimize}.
   */
  private void afterWrite(EngineSnapshot written) {
    long started = System.nanoTime();
    AfterWrite.Result r;
    try {
      r = AfterWrite.apply(SparkJobRunner.active(target.hub()), written, target.indexing());
    } catch (RuntimeException e) { // the write is committed: report it as done, whatever follows it
      LOG.warn("The write of version {} to space '{}' is committed; what follows it failed: {}",
          written.version(), target.space(), e.toString());
      return;
    }
    if (r.indexed() != null || r.compacted() != null) {
      LOG.info("After the write of version {} to space '{}': {} {} in {} ms", written.version(), target.space(),
          r.compacted() == null ? "" : r.compacted(), r.indexed() == null ? "" : r.indexed(),
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  /**
   * The files were bucketed, validated and indexed for the space as the write saw it when it was
   * planned (or for the options of a space it creates). If the space was created concurrently,
   * or dropped and created again, with other settings, committing them would break the space
   * (a key in the wrong bucket is invisible to point reads): refuse.
   */
  private void checkWrittenFor(SpaceSpec actual, int dims) {
    SpaceSpec written = target.spec(dims);
    boolean same =
        actual.dimensions() == written.dimensions()
            && actual.buckets() == written.buckets()
            && actual.metric() == written.metric()
            && actual.indexParams().m() == written.indexParams().m()
            && actual.indexParams().efConstruction() == written.indexParams().efConstruction();
    if (!same) {
      throw SparkErrors.recreatedWithOtherSettings(target.space(), describe(actual), describe(written));
    }
  }

  private static String describe(SpaceSpec spec) {
    return spec.dimensions() + " dimensions, metric " + spec.metric().id() + ", " + spec.buckets() + " buckets, index m="
        + spec.indexParams().m() + " efConstruction=" + spec.indexParams().efConstruction();
  }

  /**
   * Creates the space with the write's settings when it does not exist (dimensions from the
   * {@code dimensions} option, else from the rows) and opens it when it does. A writer that loses
   * the race to create it opens what the winner created; an existing space must have the
   * dimensions the write was made for.
   */
  private EngineSpace openOrCreate(EngineHub hub, Integer rowDims) {
    Integer wanted = target.dimensions() > 0 ? Integer.valueOf(target.dimensions()) : rowDims;
    if (!hub.exists(target.space())) {
      if (wanted == null) {
        throw SparkErrors.emptyCreate(target.space());
      }
      try {
        return hub.create(target.spec(wanted));
      } catch (SpaceAlreadyExistsException e) {
        // a concurrent writer created it first: open theirs
      }
    }
    EngineSpace engine = hub.space(target.space());
    if (wanted != null && engine.spec().dimensions() != wanted) {
      throw SparkErrors.recreatedWithOtherDimensions(target.space(), engine.spec().dimensions(), wanted);
    }
    return engine;
  }

  @Override
  public void abort(WriterCommitMessage[] messages) {
    if (handedToStore) {
      return; // the store has deleted them if the commit certainly failed, and must keep them otherwise
    }
    EngineHub hub = target.hub().engine();
    for (WriterCommitMessage m : messages) {
      if (m instanceof SparkCommitMessage message) {
        FileWriter.deleteQuietly(hub, message.files());
      }
    }
  }
}

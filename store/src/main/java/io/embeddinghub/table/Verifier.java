package io.embeddinghub.table;

import io.embeddinghub.CorruptFileException;
import io.embeddinghub.EmbeddingHubException;
import io.embeddinghub.Metric;
import io.embeddinghub.VerifyResult;
import io.embeddinghub.VerifyResult.FileKind;
import io.embeddinghub.VerifyResult.Problem;
import io.embeddinghub.format.DataFileReader;
import io.embeddinghub.format.FileTail;
import io.embeddinghub.format.KeyBuckets;
import io.embeddinghub.index.IndexFile;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.IndexBuild;
import io.embeddinghub.log.IndexPartition;
import io.embeddinghub.log.KeyOrder;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.LogEntry;
import io.embeddinghub.log.LogJson;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.log.TransactionLog;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only check of every file some versions of a space reference, in two steps so an engine
 * can spread the second over tasks: {@link #plan} reads the log (every entry and checkpoint from
 * the oldest retained version up to the newest checked one, and the {@code _last_checkpoint}
 * hint), replaying it independently of the readers' fallbacks, and lists the data and index files
 * to check; {@link #check} then reads one file at a time: a data file streamed a row group at a
 * time (length, Parquet footer and page checksums, row count, sort order, key range and bucket), an
 * index partition through {@link IndexFile#check} (header against the log, structure, checksum).
 * Nothing is written and no cache is filled. Every problem is reported, one per file.
 */
public final class Verifier {
  /** Checks the latest version. */
  public static final long LATEST = -1;
  /** Checks every retained version. */
  public static final long ALL = -2;

  private Verifier() {}

  /** One data or index file to check, with the oldest checked version that references it. */
  public sealed interface FileCheck extends Serializable permits DataCheck, IndexCheck {
    String path();

    long version();
  }

  /** A data file of a space with these dimensions and buckets. */
  public record DataCheck(DataFile file, long version, int dimensions, int buckets) implements FileCheck {
    @Override
    public String path() {
      return file.path();
    }
  }

  /** An index partition of {@code build}, in a space with this metric and dimensions. */
  public record IndexCheck(IndexPartition partition, IndexBuild build, long version, Metric metric, int dimensions)
      implements FileCheck {
    @Override
    public String path() {
      return partition.path();
    }
  }

  /** What {@link #plan} found in the log, and the files left to check. Serializable. */
  public record Plan(String space, List<Long> versions, long logFilesChecked, List<Problem> logProblems, List<FileCheck> files)
      implements Serializable {
    public Plan {
      versions = List.copyOf(versions);
      logProblems = List.copyOf(logProblems);
      files = List.copyOf(files);
    }

    /** The log's part of the result. */
    public VerifyResult logResult() {
      return new VerifyResult(space, versions, logFilesChecked, 0, logProblems);
    }
  }

  /**
   * Reads the log of {@code space} up to {@code version} ({@link #LATEST}, {@link #ALL} or a
   * retained version number) and lists the files the checked versions reference.
   */
  public static Plan plan(HubContext ctx, String space, long version) {
    Errors.checkSpaceName(space);
    FileIO io = ctx.io();
    TransactionLog log = new TransactionLog(io, space);
    TransactionLog.LogFiles listed = log.files();
    if (listed.entries().isEmpty() && listed.checkpoints().isEmpty()) {
      throw Errors.spaceNotFound(space, io.root());
    }
    long latest = Math.max(listed.entries().isEmpty() ? -1 : listed.entries().last(),
        listed.checkpoints().isEmpty() ? -1 : listed.checkpoints().last());
    long oldest = listed.entries().contains(0L) ? 0
        : Math.min(listed.checkpoints().isEmpty() ? Long.MAX_VALUE : listed.checkpoints().first(),
            listed.entries().isEmpty() ? Long.MAX_VALUE : listed.entries().first());
    long from;
    long to;
    if (version == ALL) {
      from = oldest;
      to = latest;
    } else if (version == LATEST) {
      from = latest;
      to = latest;
    } else if (version >= oldest && version <= latest) {
      from = version;
      to = version;
    } else {
      throw Errors.versionNotFound(space, version, oldest, latest);
    }

    List<Problem> problems = new ArrayList<>();
    long logFiles = 0;
    Map<String, FileCheck> files = new LinkedHashMap<>();
    SpaceState state = null;
    for (long v = oldest; v <= to; v++) {
      String entryPath = log.entryPath(v);
      LogEntry entry = null;
      boolean broken = false;
      if (listed.entries().contains(v)) {
        logFiles++;
        try {
          entry = LogJson.decodeEntry(read(io, entryPath));
          if (entry.version() != v) {
            throw new IOException("holds version " + entry.version() + ", expected " + v);
          }
        } catch (IOException e) {
          problems.add(new Problem(entryPath, v, FileKind.LOG_ENTRY, message(io, entryPath, e)));
          entry = null;
          broken = true;
        }
      } else if (v > oldest) {
        problems.add(new Problem(entryPath, v, FileKind.LOG_ENTRY,
            "log entry of version " + v + " is missing (the log holds versions " + oldest + " to " + latest + ")"));
        broken = true;
      }
      if (entry != null) {
        try {
          state = v == 0 ? SpaceState.initial(entry) : state == null ? null : state.apply(entry);
        } catch (IllegalArgumentException | IllegalStateException e) {
          problems.add(new Problem(entryPath, v, FileKind.LOG_ENTRY,
              "does not apply to version " + (v - 1) + ": " + e.getMessage()));
          state = null;
        }
      } else if (broken || !listed.checkpoints().contains(v)) {
        state = null;
      }
      if (listed.checkpoints().contains(v)) {
        logFiles++;
        String checkpointPath = log.checkpointPath(v);
        try {
          SpaceState checkpoint = LogJson.decodeCheckpoint(read(io, checkpointPath));
          if (checkpoint.version() != v) {
            throw new IOException("holds version " + checkpoint.version() + ", expected " + v);
          }
          String difference = state == null ? null : difference(state, checkpoint);
          if (difference != null) {
            problems.add(new Problem(checkpointPath, v, FileKind.CHECKPOINT,
                "checkpoint disagrees with the log entries up to version " + v + ": " + difference));
          } else if (state == null) {
            state = checkpoint;
          }
        } catch (IOException e) {
          problems.add(new Problem(checkpointPath, v, FileKind.CHECKPOINT, message(io, checkpointPath, e)));
        }
      }
      if (v >= from && state != null) {
        addChecks(state, files, problems);
      }
    }
    logFiles += checkHint(io, log, listed, oldest, latest, problems);
    List<Long> versions = new ArrayList<>();
    for (long v = from; v <= to; v++) {
      versions.add(v);
    }
    return new Plan(space, versions, logFiles, problems, new ArrayList<>(files.values()));
  }

  /** Checks one data or index file; the result names it if it is damaged. */
  public static VerifyResult check(HubContext ctx, String space, FileCheck check) {
    List<Long> versions = List.of(check.version());
    try {
      long rows = 0;
      if (check instanceof DataCheck d) {
        rows = checkDataFile(ctx, d);
      } else if (check instanceof IndexCheck i) {
        IndexFile.check(ctx.io(), i.partition(), i.build(), i.metric(), i.dimensions());
      }
      return new VerifyResult(space, versions, 1, rows, List.of());
    } catch (CorruptFileException e) {
      return damaged(space, check, e.getMessage());
    } catch (EmbeddingHubException e) {
      throw e; // an I/O failure, not damage: the verify cannot say
    } catch (RuntimeException e) {
      return damaged(space, check, "unreadable (" + e + ")");
    }
  }

  private static VerifyResult damaged(String space, FileCheck check, String message) {
    FileKind kind = check instanceof DataCheck ? FileKind.DATA_FILE : FileKind.INDEX_FILE;
    return new VerifyResult(space, List.of(check.version()), 1, 0,
        List.of(new Problem(check.path(), check.version(), kind, message)));
  }

  /** Streams a data file once, a row group in memory; returns its rows or throws naming the problem. */
  private static long checkDataFile(HubContext ctx, DataCheck check) {
    DataFile f = check.file();
    String location = ctx.io().location(f.path());
    long rows = 0;
    try (DataFileReader reader = DataFileReader.open(ctx.io(), ctx.conf(), f, check.dimensions())) {
      FileTail.check(ctx.io(), f, location); // after open, which checks the length
      String previous = null;
      while (reader.next()) {
        String key = reader.key();
        int row = reader.position();
        if (previous != null && KeyOrder.compare(previous, key) >= 0) {
          throw Errors.corrupt(location, "row " + row + " key " + Errors.quote(key)
              + " does not sort after row " + (row - 1) + " key " + Errors.quote(previous), null);
        }
        if (!f.mayContain(key)) {
          throw Errors.corrupt(location, "row " + row + " key " + Errors.quote(key) + " is outside the logged range ["
              + Errors.quote(f.minKey()) + ", " + Errors.quote(f.maxKey()) + "]", null);
        }
        int bucket = KeyBuckets.bucketOf(key, check.buckets());
        if (bucket != f.bucket()) {
          throw Errors.corrupt(location, "row " + row + " key " + Errors.quote(key) + " is in bucket " + bucket
              + ", the log records bucket " + f.bucket(), null);
        }
        previous = key;
        rows++;
      }
    }
    return rows;
  }

  private static void addChecks(SpaceState state, Map<String, FileCheck> files, List<Problem> problems) {
    int dims = state.metadata().spec().dimensions();
    int buckets = state.metadata().spec().buckets();
    Metric metric = state.metadata().spec().metric();
    for (LiveFile f : state.files()) {
      files.putIfAbsent(f.file().path(), new DataCheck(f.file(), state.version(), dims, buckets));
      if (f.deleted().max() >= f.file().rows()) {
        problems.add(new Problem(f.file().path(), state.version(), FileKind.DATA_FILE, "version " + state.version()
            + " deletes row " + f.deleted().max() + ", the log records " + f.file().rows() + " rows"));
      }
    }
    for (IndexPartition p : state.partitions()) {
      files.putIfAbsent(p.path(), new IndexCheck(p, state.indexBuild(p.build()), state.version(), metric, dims));
    }
  }

  /** Checks the {@code _last_checkpoint} hint if there is one; returns the files read (0 or 1). */
  private static int checkHint(
      FileIO io, TransactionLog log, TransactionLog.LogFiles listed, long oldest, long latest, List<Problem> problems) {
    String path = log.lastCheckpointPath();
    byte[] bytes;
    try {
      bytes = io.read(path);
    } catch (FileNotFoundException e) {
      return 0;
    } catch (IOException e) {
      throw Errors.cannotRead(io.location(path), e);
    }
    try {
      long hinted = TransactionLog.decodeHint(bytes);
      if (hinted > latest || (hinted >= oldest && !listed.checkpoints().contains(hinted))) {
        throw new IOException("names checkpoint " + hinted + ", which the log (versions " + oldest + " to " + latest
            + ", checkpoints " + listed.checkpoints() + ") does not hold");
      }
    } catch (IOException e) {
      problems.add(new Problem(path, -1, FileKind.LAST_CHECKPOINT, message(io, path, e)));
    }
    return 1;
  }

  /** How a checkpoint's state differs from the replayed one, or null when they agree. */
  private static String difference(SpaceState replayed, SpaceState checkpoint) {
    if (!replayed.metadata().spec().equals(checkpoint.metadata().spec())) {
      return "space metadata " + checkpoint.metadata().spec() + ", the entries give " + replayed.metadata().spec();
    }
    Map<String, LiveFile> expected = new HashMap<>();
    replayed.files().forEach(f -> expected.put(f.file().path(), f));
    Map<String, LiveFile> actual = new HashMap<>();
    checkpoint.files().forEach(f -> actual.put(f.file().path(), f));
    if (!expected.equals(actual)) {
      for (LiveFile f : checkpoint.files()) {
        if (!f.equals(expected.get(f.file().path()))) {
          return "data file entry " + f + ", the entries give " + expected.get(f.file().path());
        }
      }
      return expected.size() - actual.size() + " live data files are missing";
    }
    Map<String, IndexPartition> expectedParts = new HashMap<>();
    replayed.partitions().forEach(p -> expectedParts.put(p.path(), p));
    Map<String, IndexPartition> actualParts = new HashMap<>();
    checkpoint.partitions().forEach(p -> actualParts.put(p.path(), p));
    if (!expectedParts.equals(actualParts)) {
      return "index partitions " + actualParts.keySet() + ", the entries give " + expectedParts.keySet();
    }
    return null;
  }

  private static byte[] read(FileIO io, String path) throws IOException {
    try {
      return io.read(path);
    } catch (FileNotFoundException e) {
      throw new IOException("listed but missing", e);
    } catch (IOException e) {
      throw Errors.cannotRead(io.location(path), e);
    }
  }

  private static String message(FileIO io, String path, IOException e) {
    return "Corrupt or truncated file " + io.location(path) + ": " + e.getMessage();
  }
}

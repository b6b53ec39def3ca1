package io.embeddinghub.table;

import io.embeddinghub.CorruptFileException;
import io.embeddinghub.EmbeddingHubException;
import io.embeddinghub.HubProperties;
import io.embeddinghub.SpaceNotFoundException;
import io.embeddinghub.VacuumOptions;
import io.embeddinghub.VacuumResult;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.DataFile;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.LogEntry;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.log.TransactionLog;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Deletes files no retained version needs, and expires log versions past the retention.
 *
 * <p>A version of the vacuumed space is retained while it was current at some moment within the
 * retention period (the latest version always is). A file is kept if a retained version of this
 * space, or any version of any other space of the hub (forks reference their parent's files),
 * references it, or if it is younger than the retention (a write may be about to commit it).
 * Retentions below {@link HubProperties#VACUUM_MIN_RETENTION} are refused unless the options turn
 * the check off. Versions are expired before their files are deleted, so a missing file of a
 * version older than the oldest retained one means the version was vacuumed ({@link #whenVacuumed}).
 */
public final class Vacuum {
  private Vacuum() {}

  /** An unreferenced file older than the retention: what a vacuum deletes. */
  public record Candidate(String path, long length) implements java.io.Serializable {}

  /**
   * What a vacuum of {@code space} does, decided on one JVM: the retention checked, the versions
   * past it expired (unless a dry run), and the unreferenced files older than it listed. Deleting
   * them ({@link #delete}) may then run anywhere, in any number of parts.
   */
  public record Plan(String space, int versionsExpired, List<Candidate> files, boolean dryRun) implements java.io.Serializable {
    public Plan {
      files = List.copyOf(files);
    }

    /** The result of a dry run: what would be deleted and expired. */
    public VacuumResult asDryRunResult() {
      return new VacuumResult(files.size(), files.stream().mapToLong(Candidate::length).sum(), versionsExpired,
          files.stream().map(Candidate::path).toList());
    }
  }

  /** Plans a vacuum of {@code space} (see {@link Plan}). */
  public static Plan plan(HubContext ctx, String space, Duration retention, VacuumOptions options) {
    checkRetention(ctx, retention, options);
    FileIO io = ctx.io();
    long cutoff = ctx.nowMillis() - retention.toMillis();
    TransactionLog log = new TransactionLog(io, Errors.checkSpaceName(space));
    if (!log.exists()) {
      throw Errors.spaceNotFound(space, io.root());
    }
    List<LogEntry> entries = log.entries();
    long oldest = log.oldestVersion();
    long retainedFrom = entries.get(entries.size() - 1).version();
    for (int i = 0; i + 1 < entries.size(); i++) {
      if (entries.get(i + 1).timestampMillis() > cutoff) {
        retainedFrom = entries.get(i).version();
        break;
      }
    }
    Set<String> referenced = referencedFrom(log, retainedFrom);
    referenced.addAll(referencedByOtherSpaces(io, space));
    // expire first: a version whose files are deleted below is never still listed as retained
    int expired = 0;
    if (options.dryRun()) {
      for (LogEntry e : entries) {
        expired += e.version() < retainedFrom ? 1 : 0;
      }
    } else if (retainedFrom > oldest || log.hasExpiryLeftovers()) { // also finish an interrupted expiry
      try {
        log.writeCheckpoint(log.load(retainedFrom), false);
        expired = log.expireBefore(retainedFrom);
      } catch (IOException e) {
        throw Errors.cannotExpireVersions(space, e);
      }
    }
    return new Plan(space, expired, unreferenced(ctx, space, referenced, cutoff), options.dryRun());
  }

  /**
   * The directories a vacuum of the whole hub visits (every space, and what dropped spaces left
   * behind), after checking the retention once.
   */
  public static List<String> hubDirectories(HubContext ctx, Duration retention, VacuumOptions options) {
    checkRetention(ctx, retention, options);
    return HubSpaces.directories(ctx.io());
  }

  /**
   * Plans the vacuum of one directory of the hub: a space's ({@link #plan}), or, for what a dropped
   * space left, the files nothing references.
   */
  public static Plan planDirectory(HubContext ctx, String dir, Duration retention, VacuumOptions options) {
    if (new TransactionLog(ctx.io(), dir).exists()) {
      return plan(ctx, dir, retention, options);
    }
    long cutoff = ctx.nowMillis() - retention.toMillis();
    return new Plan(dir, 0, unreferenced(ctx, dir, referencedByOtherSpaces(ctx.io(), dir), cutoff), options.dryRun());
  }

  private static void checkRetention(HubContext ctx, Duration retention, VacuumOptions options) {
    Errors.checkNotNull(options, "options");
    if (retention == null || retention.isNegative()) {
      throw Errors.mustBe("Vacuum retention", ">= 0", retention);
    }
    Duration minimum = ctx.settings().vacuumMinRetention();
    if (options.retentionCheck() && retention.compareTo(minimum) < 0) {
      throw Errors.retentionTooShort(retention, minimum, HubProperties.VACUUM_MIN_RETENTION);
    }
  }

  /**
   * Runs a read of a pinned version, reporting a data file that a vacuum deleted as the version's
   * expiry ({@link #whenVacuumed}): the one wrapper of every read of a pinned version.
   */
  public static <T> T readPinned(HubContext ctx, SpaceState pinned, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (CorruptFileException e) {
      throw whenVacuumed(ctx, pinned.metadata().spec().name(), pinned.version(), e);
    }
  }

  /**
   * What a reader of {@code version} should report for {@code e}: when a data file is missing and
   * the version is older than the oldest retained one, that a vacuum expired the version (not a
   * corrupt file); when the space was dropped, that. Otherwise {@code e} itself.
   */
  public static EmbeddingHubException whenVacuumed(HubContext ctx, String space, long version, CorruptFileException e) {
    if (!(e.getCause() instanceof FileNotFoundException)) {
      return e;
    }
    long oldest;
    try {
      oldest = new TransactionLog(ctx.io(), space).oldestVersion();
    } catch (SpaceNotFoundException dropped) {
      dropped.addSuppressed(e);
      return dropped;
    } catch (RuntimeException unreadable) {
      e.addSuppressed(unreadable);
      return e;
    }
    return version < oldest ? Errors.versionVacuumed(space, version, oldest, e) : e;
  }

  /**
   * Drops a space: its log disappears at once (one rename), then its files are deleted unless
   * another space (a fork) still references them.
   */
  public static void drop(HubContext ctx, String space) {
    FileIO io = ctx.io();
    TransactionLog log = new TransactionLog(io, space);
    if (!log.exists()) {
      throw Errors.spaceNotFound(space, io.root());
    }
    String dropped = space + "/.dropped-log-" + UUID.randomUUID();
    try {
      if (!io.rename(log.dir(), dropped)) {
        throw Errors.dropRenameFailed(space);
      }
      io.delete(dropped);
      delete(ctx, unreferenced(ctx, space, referencedByOtherSpaces(io, space), Long.MAX_VALUE));
      if (io.listFilesRecursively(space).isEmpty()) {
        io.delete(space);
      }
    } catch (IOException e) {
      throw Errors.cannotDropSpace(space, e);
    }
  }

  /** The unreferenced files of a space's directories older than the cutoff. */
  private static List<Candidate> unreferenced(HubContext ctx, String space, Set<String> referenced, long cutoff) {
    FileIO io = ctx.io();
    List<Candidate> out = new ArrayList<>();
    try {
      for (String dir : List.of(space + "/data", space + "/index", TransactionLog.logDir(space))) {
        boolean logDir = dir.endsWith("/_log");
        for (FileIO.FileEntry f : io.listFilesRecursively(dir)) {
          boolean candidate = logDir ? f.name().startsWith(".") : !referenced.contains(f.relativePath());
          if (candidate && f.modificationTime() < cutoff) {
            out.add(new Candidate(f.relativePath(), f.length()));
          }
        }
      }
    } catch (IOException e) {
      throw Errors.vacuumFailed(space, e);
    }
    return out;
  }

  /** Deletes planned files (a file already gone is not counted) and drops them from this JVM's caches. */
  public static VacuumResult delete(HubContext ctx, List<Candidate> files) {
    List<String> paths = new ArrayList<>();
    long bytes = 0;
    for (Candidate f : files) {
      try {
        if (ctx.io().delete(f.path())) {
          paths.add(f.path());
          bytes += f.length();
        }
      } catch (IOException e) {
        throw Errors.vacuumCannotDelete(ctx.io().location(f.path()), e);
      }
      ctx.cache().invalidate(f.path());
      ctx.indexCache().invalidate(f.path());
    }
    return new VacuumResult(paths.size(), bytes, 0, paths);
  }

  /** Files referenced by {@code fromVersion} and every later version of a space. */
  private static Set<String> referencedFrom(TransactionLog log, long fromVersion) {
    Set<String> paths = new HashSet<>();
    SpaceState state = log.load(fromVersion);
    for (LiveFile f : state.files()) {
      addPaths(paths, f.file());
    }
    state.partitions().forEach(p -> paths.add(p.path()));
    for (long v = fromVersion + 1; ; v++) {
      LogEntry e = log.readEntry(v);
      if (e == null) {
        return paths;
      }
      e.adds().forEach(f -> addPaths(paths, f));
      e.indexAdds().forEach(p -> paths.add(p.path()));
    }
  }

  private static Set<String> referencedByOtherSpaces(FileIO io, String except) {
    Set<String> paths = new HashSet<>();
    for (String other : HubSpaces.list(io)) {
      if (other.equals(except)) {
        continue;
      }
      TransactionLog log = new TransactionLog(io, other);
      try {
        paths.addAll(referencedFrom(log, log.oldestVersion()));
      } catch (SpaceNotFoundException e) {
        // dropped meanwhile
      }
    }
    return paths;
  }

  private static void addPaths(Set<String> paths, DataFile f) {
    paths.add(f.path());
    if (f.indexPath() != null) {
      paths.add(f.indexPath());
    }
  }
}

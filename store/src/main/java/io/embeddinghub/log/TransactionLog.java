package io.embeddinghub.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.embeddinghub.CorruptFileException;
import io.embeddinghub.EmbeddingHubException;
import io.embeddinghub.SpaceNotFoundException;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.io.NoAtomicCreateException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The transaction log of one space: {@code <space>/_log/<20-digit version>.json} per version,
 * {@code <version>.checkpoint.json} with the full state every few versions, and a
 * {@code _last_checkpoint} hint. A version exists once its entry file exists; entries are created
 * with an atomic put-if-absent, so of two writers racing for one version exactly one wins and
 * no reader ever sees a partial entry.
 *
 * <p>Opening the latest version reads the newest checkpoint and the entries after it, so the
 * cost is bounded by the checkpoint interval, not by the number of versions.
 */
public final class TransactionLog {
  private static final Pattern ENTRY = Pattern.compile("(\\d{20})\\.json");
  private static final Pattern CHECKPOINT = Pattern.compile("(\\d{20})\\.checkpoint\\.json");
  private static final String LAST_CHECKPOINT = "_last_checkpoint";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final FileIO io;
  private final String space;
  private final String dir;

  public TransactionLog(FileIO io, String space) {
    this.io = io;
    this.space = space;
    this.dir = logDir(space);
  }

  public static String logDir(String space) {
    return space + "/_log";
  }

  public String dir() {
    return dir;
  }

  static String entryName(long version) {
    return zeroPadded(version) + ".json";
  }

  /** {@code version} in 20 digits (what {@code String.format("%020d")} gives, without its cost per probe). */
  private static String zeroPadded(long version) {
    String digits = Long.toString(version);
    return "0".repeat(Math.max(0, 20 - digits.length())) + digits;
  }

  static String checkpointName(long version) {
    return String.format("%020d.checkpoint.json", version);
  }

  public String entryPath(long version) {
    return dir + "/" + entryName(version);
  }

  public String checkpointPath(long version) {
    return dir + "/" + checkpointName(version);
  }

  /** The {@code _last_checkpoint} hint's path. */
  public String lastCheckpointPath() {
    return dir + "/" + LAST_CHECKPOINT;
  }

  /** The versions of the entries and checkpoints in the log directory, ascending. */
  public record LogFiles(java.util.SortedSet<Long> entries, java.util.SortedSet<Long> checkpoints) {
    public LogFiles {
      entries = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(entries));
      checkpoints = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(checkpoints));
    }
  }

  /** What the log directory holds now (one listing). */
  public LogFiles files() {
    Listing listing = list();
    return new LogFiles(listing.entries, listing.checkpoints);
  }

  /** The checkpoint version a {@code _last_checkpoint} hint names. */
  public static long decodeHint(byte[] bytes) throws IOException {
    com.fasterxml.jackson.databind.JsonNode version;
    try {
      version = MAPPER.readTree(bytes).get("version");
    } catch (IOException | RuntimeException e) {
      throw new IOException("not valid JSON (" + e.getMessage() + ")", e);
    }
    if (version == null || !version.canConvertToLong() || !version.isIntegralNumber() || version.asLong() < 0) {
      throw new IOException("field 'version' is not a version number: " + version);
    }
    return version.asLong();
  }

  /** The latest state, or null when the space has no log (never created, or dropped). */
  public SpaceState loadLatest() {
    Long hinted = readHint();
    SpaceState start = null;
    if (hinted != null) {
      try {
        start = readCheckpoint(hinted, true);
      } catch (CorruptFileException damaged) {
        start = null; // derived data: start from the listing, which skips it too
      }
    }
    if (start == null) {
      Listing listing = list();
      if (listing.isEmpty()) {
        return null;
      }
      start = startingPoint(listing, Long.MAX_VALUE);
    }
    return update(start);
  }

  /** The state after every entry committed since {@code state}; {@code state} if none. */
  public SpaceState update(SpaceState state) {
    SpaceState current = state;
    while (true) {
      LogEntry next = readEntry(current.version() + 1);
      if (next == null) {
        return current;
      }
      current = apply(current, next);
    }
  }

  /** The state at {@code version}. */
  public SpaceState load(long version) {
    Listing listing = list();
    if (listing.isEmpty()) {
      throw missingSpace();
    }
    long oldest = listing.oldestVersion();
    if (version < oldest || version < 0) {
      throw Errors.versionNotFound(space, version, oldest, latestVersionFrom(listing));
    }
    SpaceState state = startingPoint(listing, version);
    while (state.version() < version) {
      LogEntry next = readEntry(state.version() + 1);
      if (next == null) {
        throw Errors.versionNotFound(space, version, oldest, state.version());
      }
      state = apply(state, next);
    }
    return state;
  }

  /** Versions that can be loaded: oldest..latest. */
  public long oldestVersion() {
    Listing listing = list();
    if (listing.isEmpty()) {
      throw missingSpace();
    }
    return listing.oldestVersion();
  }

  /**
   * Atomically creates the entry for {@code entry.version()}.
   *
   * @return false if that version already exists (a concurrent writer won it)
   * @throws SpaceNotFoundException if the space was dropped
   * @throws io.embeddinghub.UnsafeStoreException if the file system cannot make the commit atomic
   */
  public boolean tryCommit(LogEntry entry) throws IOException {
    checkCommitsSafe();
    try {
      return io.putIfAbsent(entryPath(entry.version()), LogJson.encodeEntry(entry));
    } catch (FileNotFoundException e) {
      throw missingSpace();
    } catch (NoAtomicCreateException e) {
      throw Errors.unsafeStore(space, e);
    }
  }

  /**
   * Throws {@link io.embeddinghub.UnsafeStoreException} when commits to this log would be refused
   * (no atomic create-if-absent, not declared single-writer): writers call it before writing files.
   */
  public void checkCommitsSafe() {
    try {
      io.checkCommitsSafe();
    } catch (NoAtomicCreateException e) {
      throw Errors.unsafeStore(space, e);
    }
  }

  /** Creates the log directory; entry 0 is then committed with {@link #tryCommit}. */
  public void createDirectory() throws IOException {
    io.mkdirs(dir);
  }

  /** The entry of {@code version}, or null if it does not exist. */
  public LogEntry readEntry(long version) {
    String path = entryPath(version);
    byte[] bytes;
    try {
      bytes = io.readIfPresent(path); // one request on S3, also when absent (the common answer of a probe)
      if (bytes == null) {
        return null;
      }
    } catch (IOException e) {
      throw unreadable(path, e);
    }
    LogEntry entry;
    try {
      entry = LogJson.decodeEntry(bytes);
    } catch (IOException e) {
      throw Errors.corrupt(io.location(path), e.getMessage(), e);
    }
    if (entry.version() != version) {
      throw Errors.corrupt(
          io.location(path), "holds version " + entry.version() + ", expected " + version, null);
    }
    return entry;
  }

  /** Every retained entry, oldest first. */
  public List<LogEntry> entries() {
    Listing listing = list();
    List<LogEntry> entries = new ArrayList<>();
    for (long v : listing.entries.tailSet(listing.oldestVersion())) {
      LogEntry e = readEntry(v);
      if (e != null) {
        entries.add(e);
      }
    }
    return entries;
  }

  /**
   * Writes a checkpoint of {@code state} (derived data: rewriting one is harmless) and, if asked,
   * points the {@code _last_checkpoint} hint at it.
   */
  public void writeCheckpoint(SpaceState state, boolean advanceHint) throws IOException {
    io.overwrite(checkpointPath(state.version()), LogJson.encodeCheckpoint(state));
    if (!advanceHint) {
      return;
    }
    io.overwrite(
        dir + "/" + LAST_CHECKPOINT,
        ("{\"version\":" + state.version() + "}").getBytes(StandardCharsets.UTF_8));
  }

  /** Deletes entries and checkpoints older than {@code oldestKept}, which must have a checkpoint. */
  public int expireBefore(long oldestKept) throws IOException {
    if (!io.exists(checkpointPath(oldestKept)) && oldestKept > 0) {
      throw new IllegalStateException("No checkpoint at version " + oldestKept + " of " + space);
    }
    Listing listing = list();
    int deleted = 0;
    for (long v : listing.checkpoints.headSet(oldestKept)) {
      io.delete(checkpointPath(v));
    }
    // delete oldest first, so that an interrupted expiry leaves a contiguous suffix
    for (long v : listing.entries.headSet(oldestKept)) {
      if (io.delete(entryPath(v))) {
        deleted++;
      }
    }
    return deleted;
  }

  /** Whether entries older than {@link #oldestVersion()} are left behind by an interrupted expiry. */
  public boolean hasExpiryLeftovers() {
    Listing listing = list();
    return !listing.isEmpty() && listing.hasLeftovers();
  }

  /** Whether the log holds any version. */
  public boolean exists() {
    return !list().isEmpty();
  }

  private SpaceState apply(SpaceState state, LogEntry entry) {
    try {
      return state.apply(entry);
    } catch (IllegalStateException e) {
      throw Errors.corrupt(io.location(entryPath(entry.version())), e.getMessage(), e);
    }
  }

  /**
   * The newest readable state at or before {@code atMost} to replay entries from: the newest
   * checkpoint, or, when it is damaged (checkpoints are derived data), an older one or version 0
   * whose entries reach past the damaged one; otherwise the damaged checkpoint's error.
   */
  private SpaceState startingPoint(Listing listing, long atMost) {
    CorruptFileException damaged = null;
    for (Long checkpoint = listing.checkpoints.floor(atMost); checkpoint != null;
        checkpoint = listing.checkpoints.lower(checkpoint)) {
      try {
        SpaceState state = readCheckpoint(checkpoint, false);
        if (damaged == null || entriesFollow(listing, checkpoint, atMost)) {
          return state;
        }
        break;
      } catch (CorruptFileException e) {
        if (damaged == null) {
          damaged = e;
        } else {
          damaged.addSuppressed(e);
        }
      }
    }
    if (!listing.entries.contains(0L) || (damaged != null && !entriesFollow(listing, 0, atMost))) {
      if (damaged != null) {
        throw damaged;
      }
      throw Errors.corrupt(io.location(dir), "the log has neither version 0 nor a usable checkpoint", null);
    }
    LogEntry first = readEntry(0);
    if (first == null) {
      throw missingSpace();
    }
    try {
      return SpaceState.initial(first);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw Errors.corrupt(io.location(entryPath(0)), e.getMessage(), e);
    }
  }

  /** Whether every entry after {@code from} up to {@code atMost} (or the newest listed) is listed. */
  private static boolean entriesFollow(Listing listing, long from, long atMost) {
    long last = Math.min(atMost, listing.entries.isEmpty() ? from : listing.entries.last());
    for (long v = from + 1; v <= last; v++) {
      if (!listing.entries.contains(v)) {
        return false;
      }
    }
    return last >= Math.min(atMost, listing.checkpoints.isEmpty() ? from : listing.checkpoints.last());
  }

  /** A checkpoint's state; null when absent and {@code absentOk}. */
  private SpaceState readCheckpoint(long version, boolean absentOk) {
    String path = checkpointPath(version);
    byte[] bytes;
    try {
      bytes = io.read(path);
    } catch (FileNotFoundException e) {
      if (absentOk) {
        return null;
      }
      throw Errors.corrupt(io.location(path), "checkpoint listed but missing", e);
    } catch (IOException e) {
      throw unreadable(path, e);
    }
    try {
      SpaceState state = LogJson.decodeCheckpoint(bytes);
      if (state.version() != version) {
        throw new IOException("holds version " + state.version() + ", expected " + version);
      }
      return state;
    } catch (IOException e) {
      throw Errors.corrupt(io.location(path), e.getMessage(), e);
    }
  }

  private Long readHint() {
    try {
      byte[] bytes = io.read(dir + "/" + LAST_CHECKPOINT);
      return MAPPER.readTree(bytes).get("version").asLong();
    } catch (IOException | RuntimeException e) {
      return null; // only a hint: fall back to listing
    }
  }

  private long latestVersionFrom(Listing listing) {
    long latest = Math.max(listing.entries.isEmpty() ? -1 : listing.entries.last(),
        listing.checkpoints.isEmpty() ? -1 : listing.checkpoints.last());
    return latest;
  }

  /** An I/O failure reading a log file: the store's own exception, naming the file (not corruption). */
  private EmbeddingHubException unreadable(String path, IOException e) {
    return Errors.cannotRead(io.location(path), e);
  }

  private SpaceNotFoundException missingSpace() {
    return Errors.spaceNotFound(space, io.root());
  }

  private Listing list() {
    try {
      Listing listing = new Listing();
      for (FileIO.FileEntry f : io.list(dir)) {
        Matcher m = ENTRY.matcher(f.name());
        if (m.matches()) {
          listing.entries.add(Long.parseLong(m.group(1)));
          continue;
        }
        m = CHECKPOINT.matcher(f.name());
        if (m.matches()) {
          listing.checkpoints.add(Long.parseLong(m.group(1)));
        }
      }
      return listing;
    } catch (IOException e) {
      throw Errors.cannotList(io.location(dir), e);
    }
  }

  /** Version numbers found in the log directory. */
  private static final class Listing {
    final TreeSet<Long> entries = new TreeSet<>();
    final TreeSet<Long> checkpoints = new TreeSet<>();

    boolean isEmpty() {
      return entries.isEmpty() && checkpoints.isEmpty();
    }

    /**
     * Oldest loadable version: 0, or the oldest checkpoint when older entries were expired. Entries
     * older than that checkpoint are what an interrupted expiry left (it writes the checkpoint of
     * the oldest kept version and deletes the older checkpoints before the older entries): no
     * checkpoint leads to them, so they are not versions any more, and the next vacuum deletes them.
     */
    long oldestVersion() {
      if (entries.contains(0L)) {
        return 0;
      }
      return checkpoints.isEmpty() ? entries.first() : checkpoints.first();
    }

    /** Whether entries older than the oldest loadable version are left (an interrupted expiry). */
    boolean hasLeftovers() {
      return !entries.isEmpty() && entries.first() < oldestVersion();
    }
  }
}

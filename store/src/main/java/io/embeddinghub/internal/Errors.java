package io.embeddinghub.internal;

import io.embeddinghub.CommitConflictException;
import io.embeddinghub.CorruptFileException;
import io.embeddinghub.EmbeddingHubException;
import io.embeddinghub.HubProperties;
import io.embeddinghub.InvalidInputException;
import io.embeddinghub.KeyNotFoundException;
import io.embeddinghub.Metric;
import io.embeddinghub.SpaceAlreadyExistsException;
import io.embeddinghub.SpaceNotFoundException;
import io.embeddinghub.UnsafeStoreException;
import io.embeddinghub.VersionNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Input validation and every user-facing error message, in one place. Messages name the
 * offending value (quoted, control characters escaped) and say what would be accepted.
 */
public final class Errors {
  /** Letters, digits, '_' and '-', starting with a letter or digit, at most 128 characters. */
  private static final Pattern SPACE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

  private static final int KEYS_NAMED_IN_MESSAGES = 10;

  private Errors() {}

  /** Returns {@code value}, or throws naming the {@code argument} when it is null. */
  public static <T> T checkNotNull(T value, String argument) {
    if (value == null) {
      throw new InvalidInputException(argument + " must not be null");
    }
    return value;
  }

  /** Returns {@code name} if it is a valid space name, else throws naming it. */
  public static String checkSpaceName(String name) {
    if (name == null) {
      throw new InvalidInputException("Space name must not be null");
    }
    if (!SPACE_NAME.matcher(name).matches()) {
      throw new InvalidInputException(
          "Invalid space name " + quote(name) + ": use 1-128 letters, digits, '_' or '-',"
              + " starting with a letter or digit (no '/', '.', '..', spaces or control characters)");
    }
    return name;
  }

  public static void checkKey(String key) {
    if (key == null) {
      throw new InvalidInputException("Key must not be null");
    }
    if (key.isEmpty()) {
      throw new InvalidInputException("Key must not be empty");
    }
    int bad = unpairedSurrogate(key);
    if (bad >= 0) {
      // UTF-8 (Parquet's STRING, the bucket hash) cannot encode it: it would be stored as '?'.
      throw new InvalidInputException(
          "Key " + quote(key) + " is not valid Unicode: unpaired surrogate U+"
              + String.format("%04X", (int) key.charAt(bad)) + " at index " + bad);
    }
  }

  /** The index of the first char of {@code s} that is a surrogate without its pair, or -1. */
  private static int unpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** Validates one embedding for a space of {@code dimensions} under {@code metric}. */
  public static void checkVector(String key, float[] vector, int dimensions, Metric metric) {
    if (vector == null) {
      throw new InvalidInputException("Embedding for key " + quote(key) + " must not be null");
    }
    if (vector.length != dimensions) {
      throw new InvalidInputException(
          "Embedding for key " + quote(key) + " has " + vector.length
              + " dimensions; the space has " + dimensions);
    }
    boolean allZero = true;
    for (int i = 0; i < vector.length; i++) {
      float v = vector[i];
      if (!Float.isFinite(v)) {
        throw new InvalidInputException(
            "Embedding for key " + quote(key) + " has a non-finite value " + v + " at index " + i);
      }
      allZero &= v == 0f;
    }
    if (allZero && metric == Metric.COSINE) {
      throw new InvalidInputException(
          "Embedding for key " + quote(key) + " is all zeros, which has no cosine distance");
    }
  }

  /** Validates a query vector (same rules as a stored embedding). */
  public static void checkQuery(float[] vector, int dimensions, Metric metric) {
    if (vector == null) {
      throw new InvalidInputException("Query vector must not be null");
    }
    if (vector.length != dimensions) {
      throw new InvalidInputException(
          "Query vector has " + vector.length + " dimensions; the space has " + dimensions);
    }
    boolean allZero = true;
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new InvalidInputException(
            "Query vector has a non-finite value " + vector[i] + " at index " + i);
      }
      allZero &= vector[i] == 0f;
    }
    if (allZero && metric == Metric.COSINE) {
      throw new InvalidInputException("Query vector is all zeros, which has no cosine distance");
    }
  }

  /** The argument checks of every nearest-neighbor search: {@code k} and the options. */
  public static void checkSearch(int k, io.embeddinghub.SearchOptions options) {
    checkK(k);
    checkNotNull(options, "options");
  }

  public static void checkK(int k) {
    if (k < 0) {
      throw new InvalidInputException("k must be >= 0, got " + k);
    }
  }

  public static SpaceNotFoundException spaceNotFound(String name, String hubRoot) {
    return new SpaceNotFoundException(
        name, "Space " + quote(name) + " does not exist in hub " + hubRoot);
  }

  public static SpaceAlreadyExistsException spaceExists(String name, String hubRoot) {
    return new SpaceAlreadyExistsException(
        name, "Space " + quote(name) + " already exists in hub " + hubRoot);
  }

  public static KeyNotFoundException keysNotFound(String space, List<String> missing) {
    String named =
        missing.stream().limit(KEYS_NAMED_IN_MESSAGES).map(Errors::quote).collect(Collectors.joining(", "));
    String more =
        missing.size() > KEYS_NAMED_IN_MESSAGES
            ? " and " + (missing.size() - KEYS_NAMED_IN_MESSAGES) + " more"
            : "";
    String noun = missing.size() == 1 ? "Key " : missing.size() + " keys ";
    return new KeyNotFoundException(
        missing, noun + named + more + " not found in space " + quote(space));
  }

  public static VersionNotFoundException versionNotFound(
      String space, long version, long oldest, long latest) {
    String why = version >= 0 && version < oldest
        ? " was vacuumed (expired: older than a vacuum's retention)"
        : " does not exist";
    return new VersionNotFoundException(
        "Version " + version + " of space " + quote(space) + why + "; retained versions are "
            + oldest + ".." + latest);
  }

  /** A reader of {@code version} met a data file that a vacuum deleted (the version expired). */
  public static VersionNotFoundException versionVacuumed(String space, long version, long oldest, Throwable cause) {
    return new VersionNotFoundException(
        "Version " + version + " of space " + quote(space) + " was vacuumed while it was being read: it was older"
            + " than the vacuum's retention, so its files were deleted (the oldest retained version is " + oldest
            + "); read a retained version, and vacuum with a retention longer than any read", cause);
  }

  /** A vacuum retention below the hub's minimum. */
  public static InvalidInputException retentionTooShort(Duration retention, Duration minimum, String property) {
    return new InvalidInputException(
        "Vacuum retention " + retention + " is shorter than the minimum " + minimum + " (" + property + "): it could"
            + " delete files that a reader, a snapshot or an uncommitted write still uses. Use a longer retention,"
            + " or, if nothing else uses the hub, pass VacuumOptions.withoutRetentionCheck() or lower " + property);
  }

  public static CorruptFileException corrupt(String path, String problem, Throwable cause) {
    return new CorruptFileException(path, "Corrupt or truncated file " + path + ": " + problem, cause);
  }

  /**
   * A commit that still applied but lost each of its {@code attempts} to concurrent writers
   * ({@link CommitConflictException#lostEveryAttempt()}).
   */
  public static CommitConflictException lostEveryAttempt(String space, int attempts) {
    return new CommitConflictException(
        "Commit to space " + quote(space) + " conflicts with a concurrent commit: gave up after " + attempts
            + " attempts lost to concurrent writers (" + HubProperties.COMMIT_MAX_ATTEMPTS
            + "); nothing was written, retry the operation", true);
  }

  public static CommitConflictException conflict(String space, String detail) {
    return new CommitConflictException(
        "Commit to space " + quote(space) + " conflicts with a concurrent commit: " + detail
            + "; nothing was written, retry the operation");
  }

  /** An argument or setting out of range: "{@code name} must be {@code rule}, got {@code value}". */
  public static InvalidInputException mustBe(String name, String rule, Object value) {
    return new InvalidInputException(name + " must be " + rule + ", got " + value);
  }

  /** A parameter out of range: "Invalid {@code what} {@code value}: must be in {@code range}". */
  public static InvalidInputException notInRange(String what, Object value, String range) {
    return new InvalidInputException("Invalid " + what + " " + value + ": must be in " + range);
  }

  /** A space's setting out of range, naming the value and the space. */
  public static InvalidInputException spaceSettingNotInRange(String what, Object value, String space, String range) {
    return new InvalidInputException(
        "Invalid " + what + " " + value + " for space '" + space + "': must be in " + range);
  }

  /** Index and auto-optimize hub settings of which at least one is out of range, naming all four values. */
  public static InvalidInputException invalidIndexOptimizeSettings(
      int indexMinRows, int indexBuildThreads, int autoOptimizeFiles, double autoOptimizeDeletedFraction) {
    return new InvalidInputException(
        "Invalid index/optimize settings: " + HubProperties.INDEX_MIN_ROWS + "=" + indexMinRows + ", "
            + HubProperties.INDEX_BUILD_THREADS + "=" + indexBuildThreads + ", " + HubProperties.AUTO_OPTIMIZE_FILES
            + "=" + autoOptimizeFiles + ", " + HubProperties.AUTO_OPTIMIZE_DELETED_FRACTION + "="
            + autoOptimizeDeletedFraction);
  }

  /** An unknown index builder {@code name}, listing the {@code known} builder names. */
  public static InvalidInputException unknownIndexBuilder(String name, List<String> known) {
    return new InvalidInputException("Unknown index builder '" + name + "': expected one of " + known);
  }

  /** Search options that give a target recall together with ef, nprobe or exact. */
  public static InvalidInputException targetRecallWithOtherOptions() {
    return new InvalidInputException(
        "A target recall chooses ef and nprobe itself: give either targetRecall or ef/nprobe/exact");
  }

  /** A null metric name. */
  public static InvalidInputException metricNameNull() {
    return new InvalidInputException("Metric name must not be null; use one of l2, cosine, inner_product");
  }

  /** A metric {@code name} that names no metric. */
  public static InvalidInputException unknownMetric(String name) {
    return new InvalidInputException("Unknown metric '" + name + "'; use one of l2, cosine, inner_product");
  }

  /** Two vectors to compare whose lengths {@code a} and {@code b} differ. */
  public static InvalidInputException dimensionsDiffer(int a, int b) {
    return new InvalidInputException("Vectors have different dimensions: " + a + " and " + b);
  }

  /** A blank hub location. */
  public static InvalidInputException blankHubLocation() {
    return new InvalidInputException("Hub location must not be blank");
  }

  /** A hub location {@code uri} that is not a valid path, with the parser's {@code problem}. */
  public static InvalidInputException invalidHubLocation(String uri, String problem) {
    return new InvalidInputException("Invalid hub location '" + uri + "': " + problem);
  }

  /** Two rows with the same {@code key} in one write to {@code space} that does not deduplicate. */
  public static InvalidInputException duplicateKeyInWrite(String space, String key) {
    return new InvalidInputException(
        "Duplicate keys in one write to space '" + space + "': [" + key
            + "]; deduplicate the input or set option dedupe=true to keep the last row of each key");
  }

  /** Opening or creating an engine's hub root failed. */
  public static EmbeddingHubException cannotOpenHubRoot(Object root, IOException cause) {
    return new EmbeddingHubException("Cannot open hub " + root + ": " + cause.getMessage(), cause);
  }

  /** Creating a space's log failed. */
  public static EmbeddingHubException cannotCreateSpace(String name, String hubRoot, IOException cause) {
    return new EmbeddingHubException(
        "Cannot create space " + quote(name) + " in " + hubRoot + ": " + cause.getMessage(), cause);
  }

  /** An entry of a multiset that is null. */
  public static InvalidInputException nullEntry() {
    return new InvalidInputException("Entry must not be null");
  }

  /** A time before the oldest retained version. */
  public static VersionNotFoundException noVersionAsOf(String space, Object timestamp, long oldest, Object oldestTime) {
    return new VersionNotFoundException(
        "Space " + quote(space) + " has no version at or before " + timestamp
            + "; the oldest retained version " + oldest + " is from " + oldestTime);
  }

  /** A commit whose append to the log failed without telling whether it landed. */
  public static EmbeddingHubException commitOutcomeUnknown(long version, String space, IOException cause) {
    return new EmbeddingHubException(
        "Commit of version " + version + " of space " + quote(space)
            + " failed with an unknown outcome; re-read the space to see whether it landed", cause);
  }

  /** A write refused because the hub's file system has no atomic create-if-absent. */
  public static UnsafeStoreException unsafeStore(String space, io.embeddinghub.io.NoAtomicCreateException cause) {
    return new UnsafeStoreException(
        "Write to space " + quote(space) + " refused, nothing was committed: " + cause.getMessage(), cause);
  }

  /** A retry interrupted while it waited. */
  public static EmbeddingHubException retryInterrupted(String space, InterruptedException cause) {
    return new EmbeddingHubException("Interrupted while retrying a commit to space " + quote(space), cause);
  }

  /** The hub at {@code uri} cannot be created or reached. */
  public static EmbeddingHubException cannotOpenHub(String uri, IOException cause) {
    return new EmbeddingHubException("Cannot open hub at " + uri + ": " + cause.getMessage(), cause);
  }

  /** The hub's root directory {@code root} cannot be listed. */
  public static EmbeddingHubException cannotListHub(String root, IOException cause) {
    return new EmbeddingHubException("Cannot list hub " + root + ": " + cause.getMessage(), cause);
  }

  /** The file system failed reading the file at {@code location} (an I/O error, not corruption). */
  public static EmbeddingHubException cannotRead(String location, Exception cause) {
    return new EmbeddingHubException("Cannot read " + location + ": " + cause.getMessage(), cause);
  }

  /** The file system failed listing the directory at {@code location}. */
  public static EmbeddingHubException cannotList(String location, IOException cause) {
    return new EmbeddingHubException("Cannot list " + location + ": " + cause.getMessage(), cause);
  }

  /** Writing the data file at {@code location} failed. */
  public static EmbeddingHubException cannotWriteDataFile(String location, IOException cause) {
    return new EmbeddingHubException("Cannot write data file " + location + ": " + cause.getMessage(), cause);
  }

  /** Writing a data file of {@code space} failed before its path was known. */
  public static EmbeddingHubException cannotWriteSpaceData(String space, IOException cause) {
    return new EmbeddingHubException(
        "Cannot write a data file of space '" + space + "': " + cause.getMessage(), cause);
  }

  /** Writing a compacted data file of {@code bucket} failed. */
  public static EmbeddingHubException cannotWriteCompactedFile(int bucket, IOException cause) {
    return new EmbeddingHubException(
        "Cannot write a compacted file of bucket " + bucket + ": " + cause.getMessage(), cause);
  }

  /** A compaction of {@code bucket} read {@code rows} live rows where the log records {@code expectedRows}. */
  public static EmbeddingHubException compactionRowsDiffer(int bucket, long rows, long expectedRows) {
    return new EmbeddingHubException(
        "Compaction of bucket " + bucket + " read " + rows + " live rows, the log records " + expectedRows);
  }

  /** Writing the index file at {@code location} failed. */
  public static EmbeddingHubException cannotWriteIndexFile(String location, Exception cause) {
    return new EmbeddingHubException("Cannot write index file " + location + ": " + cause.getMessage(), cause);
  }

  /** Spilling a job's shuffled records to local disk under {@code location} failed. */
  public static EmbeddingHubException cannotSpillShuffle(String location, IOException cause) {
    return new EmbeddingHubException("Cannot spill a job's shuffled rows to local disk under " + location
        + " (java.io.tmpdir; point it at a directory with room): " + cause.getMessage(), cause);
  }

  /** Expiring the old versions of {@code space} failed. */
  public static EmbeddingHubException cannotExpireVersions(String space, IOException cause) {
    return new EmbeddingHubException(
        "Cannot expire old versions of " + quote(space) + ": " + cause.getMessage(), cause);
  }

  /** Dropping {@code space} failed because its log could not be renamed away. */
  public static EmbeddingHubException dropRenameFailed(String space) {
    return new EmbeddingHubException("Cannot drop space " + quote(space) + ": renaming its log failed");
  }

  /** Dropping {@code space} failed. */
  public static EmbeddingHubException cannotDropSpace(String space, IOException cause) {
    return new EmbeddingHubException("Cannot drop space " + quote(space) + ": " + cause.getMessage(), cause);
  }

  /** A vacuum of {@code space} failed listing its files. */
  public static EmbeddingHubException vacuumFailed(String space, IOException cause) {
    return new EmbeddingHubException("Vacuum of " + quote(space) + " failed: " + cause.getMessage(), cause);
  }

  /** A vacuum could not delete the file at {@code location}. */
  public static EmbeddingHubException vacuumCannotDelete(String location, IOException cause) {
    return new EmbeddingHubException("Vacuum cannot delete " + location + ": " + cause.getMessage(), cause);
  }

  /** Single-quotes a user value for a message, escaping control characters. */
  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(value.length() + 2).append('\'');
    int limit = Math.min(value.length(), 200);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))
          || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
      if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !paired) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (value.length() > limit) {
      sb.append("…");
    }
    return sb.append('\'').toString();
  }
}

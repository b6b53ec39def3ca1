package io.embeddinghub;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a verify of a space found: the versions it checked, how many files and data rows it read,
 * and one {@link Problem} per damaged file (a file is named once, at the oldest checked version
 * that references it). Immutable and serializable (a Spark task returns one per file it checks).
 * A verify changes nothing.
 *
 * @see EmbeddingHub#verify(String)
 * @see Space#verify()
 */
public final class VerifyResult implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What kind of file a problem is about. */
  public enum FileKind {
    /** {@code _log/<version>.json} */
    LOG_ENTRY,
    /** {@code _log/<version>.checkpoint.json} */
    CHECKPOINT,
    /** {@code _log/_last_checkpoint} (a hint: readers fall back to listing the log) */
    LAST_CHECKPOINT,
    /** {@code data/bucket=NNNN/<uuid>.parquet} */
    DATA_FILE,
    /** {@code index/<build>-NNNNN.ehi} */
    INDEX_FILE
  }

  /**
   * One damaged file.
   *
   * @param path the file, relative to the hub root
   * @param version the version the problem was found in (for a data or index file: the oldest
   *     checked version referencing it); -1 for {@code _last_checkpoint}, which belongs to none
   * @param kind the kind of file
   * @param message what is wrong, with the offending values
   * @serial exclude Serialized by its components, documented above.
   */
  public record Problem(String path, long version, FileKind kind, String message) implements Serializable {
    /**
     * Checks that no component but {@code version} is null.
     *
     * @param path the file, relative to the hub root
     * @param version the version the problem was found in, or -1
     * @param kind the kind of file
     * @param message what is wrong
     */
    public Problem {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return kind + " " + path + (version >= 0 ? " (version " + version + ")" : "") + ": " + message;
    }
  }

  /** The space verified. */
  private final String space;
  /** The versions checked, ascending. */
  private final List<Long> versions;
  /** Files read. */
  private final long filesChecked;
  /** Data file rows read. */
  private final long rowsChecked;
  /** At most one per path. */
  private final List<Problem> problems;

  /**
   * A result of checking {@code space}.
   *
   * @param space the space verified
   * @param versions the versions checked, ascending
   * @param filesChecked files read
   * @param rowsChecked data file rows read
   * @param problems at most one per path (later ones for the same path are dropped)
   */
  public VerifyResult(String space, List<Long> versions, long filesChecked, long rowsChecked, List<Problem> problems) {
    this.space = Objects.requireNonNull(space, "space");
    this.versions = List.copyOf(versions);
    if (filesChecked < 0 || rowsChecked < 0) {
      throw new IllegalArgumentException("Negative counts: filesChecked=" + filesChecked + " rowsChecked=" + rowsChecked);
    }
    this.filesChecked = filesChecked;
    this.rowsChecked = rowsChecked;
    Map<String, Problem> byPath = new LinkedHashMap<>();
    for (Problem p : problems) {
      byPath.putIfAbsent(p.path(), p);
    }
    this.problems = List.copyOf(byPath.values());
  }

  /** {@return the space verified} */
  public String space() {
    return space;
  }

  /** {@return the versions checked, ascending} */
  public List<Long> versions() {
    return versions;
  }

  /** {@return whether no file is damaged} */
  public boolean ok() {
    return problems.isEmpty();
  }

  /** {@return one entry per damaged file, log files first, then data and index files in the order checked} */
  public List<Problem> problems() {
    return problems;
  }

  /** {@return the files read: log entries, checkpoints, the hint, data files and index files} */
  public long filesChecked() {
    return filesChecked;
  }

  /** {@return the data file rows read (each file once, whatever the number of versions referencing it)} */
  public long rowsChecked() {
    return rowsChecked;
  }

  /**
   * This result and another of the same space as one: counts added, problems concatenated.
   *
   * @param other a result of another part of the same verify
   * @return the combined result
   */
  public VerifyResult plus(VerifyResult other) {
    List<Problem> all = new ArrayList<>(problems);
    all.addAll(other.problems);
    java.util.TreeSet<Long> vs = new java.util.TreeSet<>(versions);
    vs.addAll(other.versions);
    return new VerifyResult(space, new ArrayList<>(vs), filesChecked + other.filesChecked,
        rowsChecked + other.rowsChecked, Collections.unmodifiableList(all));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerifyResult r && space.equals(r.space) && versions.equals(r.versions)
        && filesChecked == r.filesChecked && rowsChecked == r.rowsChecked && problems.equals(r.problems);
  }

  @Override
  public int hashCode() {
    return Objects.hash(space, versions, filesChecked, rowsChecked, problems);
  }

  @Override
  public String toString() {
    return "VerifyResult{" + space + ", versions=" + (versions.size() == 1 ? versions.get(0) : versions.size() + " versions")
        + ", files=" + filesChecked + ", rows=" + rowsChecked
        + (ok() ? ", ok" : ", problems=" + problems) + "}";
  }
}

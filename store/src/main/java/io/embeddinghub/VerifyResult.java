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
   */
  public record Problem(String path, long version, FileKind kind, String message) implements Serializable {
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

  private final String space;
  private final List<Long> versions;
  private final long filesChecked;
  private final long rowsChecked;
  private final List<Problem> problems;

  /**
   * @param versions the versions checked, ascending
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

  /** The space verified. */
  public String space() {
    return space;
  }

  /** The versions checked, ascending. */
  public List<Long> versions() {
    return versions;
  }

  /** Whether no file is damaged. */
  public boolean ok() {
    return problems.isEmpty();
  }

  /** One entry per damaged file, log files first, then data and index files in the order checked. */
  public List<Problem> problems() {
    return problems;
  }

  /** Files read: log entries, checkpoints, the hint, data files and index files. */
  public long filesChecked() {
    return filesChecked;
  }

  /** Data file rows read (each file once, whatever the number of versions referencing it). */
  public long rowsChecked() {
    return rowsChecked;
  }

  /** This result and {@code other} (of the same space) as one: counts added, problems concatenated. */
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

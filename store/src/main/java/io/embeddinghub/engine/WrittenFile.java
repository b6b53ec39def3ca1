package io.embeddinghub.engine;

import io.embeddinghub.log.DataFile;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A data file a {@link FileWriter} wrote and nothing references yet: what a write task returns to
 * the driver, which commits it ({@link EngineSpace#commitFiles}) or deletes it
 * ({@link FileWriter#deleteQuietly}). Serializable and immutable.
 */
public final class WrittenFile implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The file as the log will record it. */
  private final DataFile file;

  WrittenFile(DataFile file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  /**
   * The file's path, relative to the hub's root.
   *
   * @return the path
   */
  public String path() {
    return file.path();
  }

  /**
   * The key bucket of the file's rows.
   *
   * @return the bucket
   */
  public int bucket() {
    return file.bucket();
  }

  /**
   * How many rows the file holds.
   *
   * @return the row count
   */
  public long rows() {
    return file.rows();
  }

  static List<DataFile> dataFiles(List<WrittenFile> files) {
    List<DataFile> out = new ArrayList<>(files.size());
    for (WrittenFile f : files) {
      out.add(f.file);
    }
    return out;
  }

  static List<WrittenFile> of(List<DataFile> files) {
    List<WrittenFile> out = new ArrayList<>(files.size());
    for (DataFile f : files) {
      out.add(new WrittenFile(f));
    }
    return List.copyOf(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WrittenFile that && file.equals(that.file);
  }

  @Override
  public int hashCode() {
    return file.hashCode();
  }

  @Override
  public String toString() {
    return path() + " (bucket " + bucket() + ", " + rows() + " rows)";
  }
}

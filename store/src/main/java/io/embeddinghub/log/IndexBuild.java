package io.embeddinghub.log;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One index build as recorded in the log: its id and the data files it covers, listed once for
 * the whole build. Every row of a covered file that was live at build time is in exactly one of
 * the build's partitions ({@link IndexPartition#build()} names the build); which partition holds
 * which file's rows is recorded in the partitions' index files, not in the log, so a build of
 * {@code P} partitions over {@code F} files costs the log {@code F} paths, not up to {@code P × F}.
 *
 * @param id the build's id, shared by its partitions
 * @param dataFiles paths of the data files the build covers, each once
 */
public record IndexBuild(String id, List<String> dataFiles) implements Serializable {
  public IndexBuild {
    Objects.requireNonNull(id, "id");
    dataFiles = List.copyOf(dataFiles);
    if (dataFiles.isEmpty()) {
      throw new IllegalArgumentException("Index build " + id + " covers no data file");
    }
    if (new java.util.HashSet<>(dataFiles).size() != dataFiles.size()) {
      throw new IllegalArgumentException("Index build " + id + " lists a data file twice: " + dataFiles);
    }
  }

  @Override
  public String toString() {
    return "IndexBuild{" + id + ", files=" + dataFiles.size() + "}";
  }
}

package io.embeddinghub.log;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One index partition as recorded in the log: an HNSW graph file over rows of some data files.
 * An index build covers a set of data files: every row of them that was live at build time is in
 * exactly one partition of that build (one partition, or several when a coarse quantizer split
 * the rows by nearest centroid); rows deleted later are filtered by the version's deletion
 * vectors. The covered files are listed once per build ({@link IndexBuild}); the files a
 * partition holds rows of are listed in its index file, the log keeps only their number. Immutable: partitions are added and removed by commits like data files (a build's
 * partitions always together), so each version knows exactly which partitions answer its queries,
 * and the unindexed tail is the live files no build covers.
 *
 * @param path index file, relative to the hub root
 * @param build id shared by the partitions of one index build
 * @param rows rows the graph holds
 * @param sizeBytes file length, checked before reading so truncation is detected
 * @param dataFiles number of data files the partition holds rows of (its index file lists them,
 *     all covered by its build)
 * @param centroid the coarse quantizer centroid the partition's rows were assigned to, or null
 *     when the build made a single partition (it is then probed by every query)
 * @param recallAtEf the graph's recall@10 measured at build time on its recall sample, at each ef
 *     of {@code RecallSample.EF_LADDER}; null when not measured
 * @param recallAtNprobe for a build split by centroids, the fraction of true nearest neighbours
 *     that lie in the query's {@code i + 1} nearest partitions (measured on the training sample);
 *     null otherwise
 */
public record IndexPartition(
    String path, String build, long rows, long sizeBytes, int dataFiles, float[] centroid,
    float[] recallAtEf, float[] recallAtNprobe)
    implements Serializable {
  public IndexPartition {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(build, "build");
    if (rows <= 0 || sizeBytes <= 0 || dataFiles <= 0 || dataFiles > rows) {
      throw new IllegalArgumentException(
          "Invalid index partition entry " + path + ": rows=" + rows + " size=" + sizeBytes
              + " dataFiles=" + dataFiles);
    }
    centroid = centroid == null ? null : centroid.clone();
    recallAtEf = recallAtEf == null ? null : recallAtEf.clone();
    recallAtNprobe = recallAtNprobe == null ? null : recallAtNprobe.clone();
  }

  /** A partition without recall measurements. */
  public IndexPartition(String path, String build, long rows, long sizeBytes, int dataFiles, float[] centroid) {
    this(path, build, rows, sizeBytes, dataFiles, centroid, null, null);
  }

  /** This partition with {@code recall} as its build's routing recall per nprobe. */
  public IndexPartition withRecallAtNprobe(float[] recall) {
    return new IndexPartition(path, build, rows, sizeBytes, dataFiles, centroid, recallAtEf, recall);
  }

  @Override
  public float[] recallAtEf() {
    return recallAtEf == null ? null : recallAtEf.clone();
  }

  @Override
  public float[] recallAtNprobe() {
    return recallAtNprobe == null ? null : recallAtNprobe.clone();
  }

  @Override
  public float[] centroid() {
    return centroid == null ? null : centroid.clone();
  }

  /** Whether the partition was assigned rows by a coarse quantizer (and is probed by distance). */
  public boolean hasCentroid() {
    return centroid != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndexPartition p
        && path.equals(p.path) && build.equals(p.build) && rows == p.rows && sizeBytes == p.sizeBytes
        && dataFiles == p.dataFiles && Arrays.equals(centroid, p.centroid)
        && Arrays.equals(recallAtEf, p.recallAtEf) && Arrays.equals(recallAtNprobe, p.recallAtNprobe);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, build, rows, sizeBytes, dataFiles, Arrays.hashCode(centroid));
  }

  @Override
  public String toString() {
    return "IndexPartition{" + path + ", build=" + build + ", rows=" + rows + ", files=" + dataFiles
        + (centroid != null ? ", centroid" : "") + "}";
  }
}

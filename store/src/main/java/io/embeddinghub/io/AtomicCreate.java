package io.embeddinghub.io;

import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * How a hub's file system creates a file only when its name is free, in one atomic step: the
 * primitive a log commit stands on. Decided once per hub root from the file system itself, never
 * from a user's promise; {@link #NONE} means two writers racing for one version could both
 * believe they won, so commits are refused unless the hub is declared single-writer.
 */
public enum AtomicCreate {
  /** {@code link(2)} of a written temporary file: fails when the name exists, across processes. */
  HARD_LINK("a hard link of a written temporary file"),
  /**
   * A rename with {@code Options.Rename.NONE}, which HDFS performs atomically (and file systems
   * that declare {@link #ATOMIC_RENAME_CAPABILITY}).
   */
  RENAME_NO_OVERWRITE("a rename without overwrite (atomic on HDFS)"),
  /**
   * A conditional PUT ({@code If-None-Match: *}) through Hadoop's {@code createFile} builder with
   * {@value #CONDITIONAL_OVERWRITE}: the store refuses the PUT (HTTP 412) when the object exists.
   */
  CONDITIONAL_PUT("a conditional PUT (If-None-Match: *)"),
  /**
   * Google Cloud Storage through Google's connector ({@code gs:}): {@code create(path, false)}
   * uploads with the precondition {@code ifGenerationMatch=0}, so the store refuses the upload
   * (HTTP 412, raised by {@code close()}) when the object exists, and an object appears whole when
   * its upload finishes.
   */
  GENERATION_MATCH("an upload with ifGenerationMatch=0 (Google's gs: connector)"),
  /**
   * ADLS Gen2 with a hierarchical namespace ({@code abfs:}/{@code abfss:} through hadoop-azure): a
   * written temporary file is renamed with {@code FileSystem.rename}, which the connector sends as
   * one rename request carrying {@code If-None-Match: *} for the destination, so the store refuses
   * it when the name is taken and returns {@code false}; renaming a file is atomic on such an
   * account. (Its {@code create(path, false)} is not a commit: it claims the name empty and the
   * bytes follow in later requests.)
   */
  RENAME_IF_NONE_MATCH("a rename with If-None-Match: * (ADLS Gen2 with a hierarchical namespace)"),
  /** No atomic create-if-absent: a check, then a write, which a concurrent writer can slip between. */
  NONE("none (a check, then a write)");

  /**
   * The path capability and {@code createFile} option of Hadoop 3.4.2+ for a create that fails
   * when the file exists (S3A implements it as a conditional PUT).
   */
  public static final String CONDITIONAL_OVERWRITE = "fs.option.create.conditional.overwrite";

  /**
   * Declares that one writer at a time commits to this hub (the user's guarantee), so that a file
   * system with {@link #NONE} accepts commits; default false: such a file system refuses them.
   */
  public static final String SINGLE_WRITER = "embeddinghub.commit.single-writer";

  /**
   * A path capability a file system may declare when its rename with {@code Options.Rename.NONE}
   * is atomic, as on HDFS (a wrapper of HDFS, say): such a file system commits by rename.
   */
  public static final String ATOMIC_RENAME_CAPABILITY = "embeddinghub.capability.atomic-rename-no-overwrite";

  /** S3A's switch for conditional creates (default on), named in the refusal on {@code s3a:}. */
  static final String S3A_CONDITIONAL_ENABLED = "fs.s3a.create.conditional.enabled";

  private final String description;

  AtomicCreate(String description) {
    this.description = description;
  }

  /** What the method is, for messages and logs. */
  public String description() {
    return description;
  }

  public boolean isAtomic() {
    return this != NONE;
  }

  /** The method {@code fs} offers under {@code root}. */
  static AtomicCreate of(FileSystem fs, Path root) throws IOException {
    if (fs instanceof RawLocalFileSystem) {
      return HARD_LINK;
    }
    if (fs.hasPathCapability(root, CONDITIONAL_OVERWRITE)) {
      return CONDITIONAL_PUT;
    }
    String scheme = fs.getUri().getScheme().toLowerCase(Locale.ROOT);
    if ("gs".equals(scheme)) {
      return GENERATION_MATCH;
    }
    if (isAdls(scheme)) {
      // hadoop-azure answers FS_ACLS with "is the namespace hierarchical": only there is a rename atomic
      return fs.hasPathCapability(root, CommonPathCapabilities.FS_ACLS) ? RENAME_IF_NONE_MATCH : NONE;
    }
    if ("hdfs".equals(scheme) || fs.hasPathCapability(root, ATOMIC_RENAME_CAPABILITY)) {
      return RENAME_NO_OVERWRITE;
    }
    return NONE;
  }

  private static boolean isAdls(String scheme) {
    return "abfs".equals(scheme) || "abfss".equals(scheme);
  }

  /** The settings that would make commits safe on a file system of {@code scheme}, for the refusal. */
  static String remedy(String scheme) {
    String singleWriter = "or, if only one writer (process or Spark job) ever commits to this hub at a time, set "
        + SINGLE_WRITER + "=true";
    if ("s3a".equalsIgnoreCase(scheme)) {
      return "use Hadoop S3A 3.4.2 or later with " + S3A_CONDITIONAL_ENABLED
          + "=true (the default) against a store that supports If-None-Match on PUT, " + singleWriter;
    }
    if (isAdls(scheme.toLowerCase(Locale.ROOT))) {
      return "use an ADLS Gen2 storage account with a hierarchical namespace (its rename refuses a taken name"
          + " atomically; a flat-namespace account has no atomic create-if-absent), " + singleWriter;
    }
    return "use a file system with an atomic create-if-absent (file:, hdfs:, gs: through Google's connector, "
        + "abfs: on a hierarchical-namespace account, "
        + "or one that declares the path capability " + CONDITIONAL_OVERWRITE + "), " + singleWriter;
  }
}

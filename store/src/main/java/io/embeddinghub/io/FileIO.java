package io.embeddinghub.io;

import java.io.IOException;
import java.util.List;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;

/**
 * All file access of the store goes through this interface, with paths relative to the hub root
 * ('/'-separated, no '..' segments): nothing outside the root can be named, so nothing outside
 * it is ever touched. One implementation, {@link HadoopFileIO}, covers {@code file:},
 * {@code hdfs:}, {@code s3a:} and every other Hadoop FileSystem.
 *
 * <p>Implementations are thread-safe.
 */
public interface FileIO {

  /** The hub root as a URI string, for messages. */
  String root();

  /** Absolute location of a relative path, for messages. */
  String location(String relativePath);

  boolean exists(String relativePath) throws IOException;

  /** Whole content of a file; {@link java.io.FileNotFoundException} when it is absent. */
  byte[] read(String relativePath) throws IOException;

  /**
   * Whole content of a file, or null when it is absent: one request where the store allows (a
   * single GET on S3, no status request first), where {@link #exists} then {@link #read} make two
   * or three.
   */
  default byte[] readIfPresent(String relativePath) throws IOException {
    if (!exists(relativePath)) {
      return null;
    }
    try {
      return read(relativePath);
    } catch (java.io.FileNotFoundException e) {
      return null;
    }
  }

  /**
   * Creates {@code relativePath} with {@code content} only if no file of that name exists,
   * atomically: concurrent callers (threads or processes) racing for one name see exactly one
   * success, and the file is never visible half-written. The parent directory must exist.
   *
   * @return false if the file already existed (the content was not written)
   * @throws java.io.FileNotFoundException if the parent directory does not exist
   * @throws NoAtomicCreateException if commits are refused on this file system ({@link #checkCommitsSafe})
   */
  boolean putIfAbsent(String relativePath, byte[] content) throws IOException;

  /** How {@link #putIfAbsent} is made atomic on this file system. */
  AtomicCreate atomicCreate();

  /**
   * Throws when a commit must be refused: the file system has no atomic create-if-absent and the
   * hub is not declared single-writer. Writers call it before they write anything.
   */
  void checkCommitsSafe() throws NoAtomicCreateException;

  /** Writes a file, replacing any previous one, never visible half-written. */
  void overwrite(String relativePath, byte[] content) throws IOException;

  /** Files and directories directly under a directory; empty when it does not exist. */
  List<FileEntry> list(String relativeDir) throws IOException;

  /** Files (not directories) anywhere under a directory; empty when it does not exist. */
  List<FileEntry> listFilesRecursively(String relativeDir) throws IOException;

  void mkdirs(String relativeDir) throws IOException;

  /** Deletes a file or directory tree; returns whether something was deleted. */
  boolean delete(String relativePath) throws IOException;

  /** Renames a file or directory; returns false if the target exists or the source does not. */
  boolean rename(String fromRelativePath, String toRelativePath) throws IOException;

  /** Length in bytes; {@link java.io.FileNotFoundException} when the file is absent. */
  long length(String relativePath) throws IOException;

  /** A Parquet output file, created without overwriting. */
  OutputFile newOutputFile(String relativePath) throws IOException;

  InputFile newInputFile(String relativePath) throws IOException;

  /**
   * A Parquet input file of a known length (the log records every data file's). An implementation
   * may use the length to open the file without asking the store for its status; this one asks.
   */
  default InputFile newInputFile(String relativePath, long length) throws IOException {
    return newInputFile(relativePath);
  }

  /**
   * As {@link #newInputFile(String, long)}, for a file that will be read front to back (a scan,
   * a merge): an implementation may ask the store for large sequential reads.
   */
  default InputFile newScanInputFile(String relativePath, long length) throws IOException {
    return newInputFile(relativePath, length);
  }

  /**
   * The file as a path of the local file system, for memory-mapping; null where the hub is not on
   * the local file system.
   */
  default java.nio.file.Path localFile(String relativePath) {
    return null;
  }

  /** A file or directory found by a listing. */
  record FileEntry(String relativePath, boolean isDirectory, long length, long modificationTime) {
    /** Last path segment. */
    public String name() {
      int slash = relativePath.lastIndexOf('/');
      return slash < 0 ? relativePath : relativePath.substring(slash + 1);
    }
  }
}

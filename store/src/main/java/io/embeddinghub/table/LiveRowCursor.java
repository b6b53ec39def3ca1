package io.embeddinghub.table;

import io.embeddinghub.format.DataFileReader;
import io.embeddinghub.format.FileContents;
import io.embeddinghub.log.LiveFile;

/**
 * The live rows of one data file, one at a time in file order: from the data file cache when it
 * already holds the file's embeddings, else streamed from the file. Either way the file is never
 * loaded whole for the caller: a data file reaches the 128 MiB target size, while an index
 * build's share of a 1 GB heap is a few hundred MiB ({@link MemoryBudget}). Not thread-safe.
 */
public final class LiveRowCursor implements AutoCloseable {
  private final LiveFile file;
  private final int dimensions;
  /** The cached contents, or null when the rows are streamed by {@link #reader}. */
  private final FileContents cached;
  private final DataFileReader reader;
  private int position = -1;

  private LiveRowCursor(LiveFile file, int dimensions, FileContents cached, DataFileReader reader) {
    this.file = file;
    this.dimensions = dimensions;
    this.cached = cached;
    this.reader = reader;
  }

  /**
   * Opens a cursor before the first live row of {@code file}.
   *
   * @param ctx the hub's context (its file system, configuration and data file cache)
   * @param file the file and its deleted rows
   * @param dimensions the space's dimensions
   * @return the cursor; the caller closes it
   */
  public static LiveRowCursor open(HubContext ctx, LiveFile file, int dimensions) {
    FileContents cached = ctx.cache().cached(file.file().path(), true);
    DataFileReader reader =
        cached != null ? null : DataFileReader.open(ctx.io(), ctx.conf(), file.file(), dimensions);
    return new LiveRowCursor(file, dimensions, cached, reader);
  }

  /**
   * Moves to the next live row.
   *
   * @return false when there is none left
   */
  public boolean next() {
    if (cached != null) {
      do {
        position++;
      } while (position < cached.rows() && !file.isLive(position));
      return position < cached.rows();
    }
    while (reader.next()) {
      if (file.isLive(reader.position())) {
        position = reader.position();
        return true;
      }
    }
    return false;
  }

  /** {@return the current row's position in the file} */
  public int position() {
    return position;
  }

  /** {@return the current row's key} */
  public String key() {
    return cached != null ? cached.key(position) : reader.key();
  }

  /** {@return the current row's embedding: a new array, the caller's to keep} */
  public float[] vector() {
    if (cached == null) {
      return reader.vector();
    }
    float[] vector = new float[dimensions];
    System.arraycopy(cached.flatVectors(), position * dimensions, vector, 0, dimensions);
    return vector;
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.close();
    }
  }
}

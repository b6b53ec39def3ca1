package io.embeddinghub.index;

import io.embeddinghub.Metric;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.io.StorageIOException;
import io.embeddinghub.log.IndexBuild;
import io.embeddinghub.log.IndexPartition;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The index partition file, format version {@value #FORMAT_VERSION} (four-bit codes) or
 * {@value #ONE_BYTE_CODES_VERSION} (one-byte codes): flat, big-endian, readable without Java
 * (docs/FORMAT.md specifies it byte by byte). Files of format 2 (float rows inline, no codes) are
 * still read.
 *
 * <pre>
 *   8 bytes   magic "EHUBIDX\0"
 *   int       format version (4 with four-bit codes, 3 with one-byte codes)
 *   string    builder name, string builder version        (string = int length + UTF-8 bytes)
 *   string    metric id ("l2", "cosine", "ip")
 *   int       dimensions, int rows, int M, int efConstruction, int maxLevel, int entry point
 *   int       centroid length (0 or dimensions), float[centroid length]
 *   int       data file count F, F strings (hub-relative paths)
 *   int[rows] data file ordinal of each row, int[rows] row position in that file
 *   int[rows + 1] key offsets, byte[offsets[rows]] UTF-8 keys
 *   int[rows + 1] layer-0 offsets, int[offsets[rows]] layer-0 neighbours
 *   per level 1..maxLevel: int count, int[count] nodes (ascending), int[count + 1] offsets,
 *                          int[offsets[count]] neighbours
 *   float     quantizer lower, float quantizer step            (format 3 on)
 *   int       largest code: 15 (four-bit codes)                (format 4 only)
 *   format 3: byte[rows * dimensions] one-byte codes of the vectors
 *   format 4: byte[rows * 16 * ceil(dimensions / 32)] four-bit codes, packed as NibbleCodes says
 *   byte      where the float rows are (format 3 on): 0 inline, 1 in the data files
 *   inline (and format 2): float[rows * dimensions] vectors as the graph measures them
 *                          (unit length for cosine)
 *   in the data files: long[rows] byte offset of each row's little-endian floats in its data
 *                      file; cosine only: double[rows] the factor making each row unit length
 *   int S, int K, int[S] sample query nodes, int[S * K] their exact K nearest nodes (-1: none)
 *   long      CRC-32 of every byte before it
 *   8 bytes   magic "EHUBEND\0"
 * </pre>
 *
 * Reading streams the file once, checks every header field against the log's entries for the
 * partition and its build, bounds every count by the file's size before allocating, and verifies the checksum;
 * any problem is a corrupt-file error naming the file. No Java serialization is involved.
 */
public final class IndexFile {
  public static final int FORMAT_VERSION = 4;
  /** The format of files whose codes are one byte: still written for them. */
  static final int ONE_BYTE_CODES_VERSION = 3;
  /** The oldest format read. */
  static final int OLDEST_READ = 2;
  private static final int ROWS_INLINE = 0;
  private static final int ROWS_IN_DATA_FILES = 1;
  /** Rows whose floats are checked against their codes when a partition is read. */
  private static final int CHECKED_ROWS = 32;
  public static final String EXTENSION = ".ehi";
  private static final byte[] MAGIC = "EHUBIDX\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "EHUBEND\0".getBytes(StandardCharsets.US_ASCII);
  private static final int CHUNK = 1 << 16;

  private IndexFile() {}

  /**
   * The format a partition of this walk is written in: the oldest that holds its codes, so that a
   * library reading format 3 still reads one-byte walks.
   */
  public static int formatVersion(FlatHnswIndex.Walk walk) {
    return walk == FlatHnswIndex.Walk.INT4 ? FORMAT_VERSION : ONE_BYTE_CODES_VERSION;
  }

  /**
   * Writes {@code p} to a new file at {@code path}; returns its length.
   *
   * @param locations where the rows' floats lie in the data files, or null to copy them into the file
   */
  public static long write(FileIO io, String path, PartitionIndex p, RowLocations locations) throws IOException {
    HnswGraph g = p.index().graph();
    if (p.index().walk() == FlatHnswIndex.Walk.FLOAT32) {
      throw new IllegalArgumentException("an index file holds the codes of a quantized walk, not of " + p.index().walk());
    }
    boolean nibbles = p.index().walk() == FlatHnswIndex.Walk.INT4;
    if (locations != null && (locations.fileOffsets().length != p.rows()
        || (locations.scales() != null) != (p.metric() == Metric.COSINE))) {
      throw new IllegalArgumentException("row locations do not match the partition's " + p.rows() + " "
          + p.metric().id() + " rows");
    }
    CRC32 crc = new CRC32();
    try (OutputStream raw = io.newOutputFile(path).create(0);
        CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(raw, CHUNK), crc);
        DataOutputStream out = new DataOutputStream(checked)) {
      out.write(MAGIC);
      out.writeInt(formatVersion(p.index().walk()));
      String[] builder = p.builder().split(" ", 2);
      writeString(out, builder[0]);
      writeString(out, builder.length > 1 ? builder[1] : "");
      writeString(out, p.metric().id());
      out.writeInt(p.dimensions());
      out.writeInt(p.rows());
      out.writeInt(p.m());
      out.writeInt(p.efConstruction());
      out.writeInt(g.maxLevel());
      out.writeInt(g.entryPoint());
      float[] centroid = p.centroid() == null ? new float[0] : p.centroid();
      out.writeInt(centroid.length);
      writeFloats(out, centroid);
      out.writeInt(p.dataFiles().size());
      for (String f : p.dataFiles()) {
        writeString(out, f);
      }
      writeInts(out, p.rowFiles());
      writeInts(out, p.rowPositions());
      writeInts(out, p.keyOffsets());
      out.write(p.keyBytes());
      writeInts(out, g.offsets0());
      writeInts(out, g.neighbors0(), g.offsets0()[g.size()]); // a graph just built may have spare capacity
      for (int level = 1; level <= g.maxLevel(); level++) {
        out.writeInt(g.levelNodes(level).length);
        writeInts(out, g.levelNodes(level));
        writeInts(out, g.levelOffsets(level));
        writeInts(out, g.levelNeighbors(level));
      }
      out.writeFloat(p.index().quantizer().lower());
      out.writeFloat(p.index().quantizer().step());
      if (nibbles) {
        out.writeInt(p.index().quantizer().maxCode());
      }
      out.write(p.index().codes());
      if (locations == null) {
        out.writeByte(ROWS_INLINE);
        FloatRows rows = p.index().floatRows();
        float[] row = new float[p.dimensions()];
        for (int node = 0; node < p.rows(); node++) {
          rows.copy(node, row);
          writeFloats(out, row);
        }
      } else {
        out.writeByte(ROWS_IN_DATA_FILES);
        writeLongs(out, locations.fileOffsets());
        if (locations.scales() != null) {
          writeDoubles(out, locations.scales());
        }
      }
      out.writeInt(p.recallSample().queries().length);
      out.writeInt(RecallSample.K);
      writeInts(out, p.recallSample().queries());
      writeInts(out, p.recallSample().truth());
      out.flush();
      long checksum = crc.getValue();
      out.writeLong(checksum);
      out.write(END);
    }
    return io.length(path);
  }

  /**
   * Reads the partition the log describes as {@code entry}, of {@code build}, for a space of this
   * metric and size; the data files it lists must be {@code entry}'s count of files, all covered by
   * {@code build}.
   */
  public static PartitionIndex read(FileIO io, IndexPartition entry, IndexBuild build, Metric metric, int dimensions) {
    return read(io, entry, build, metric, dimensions, true);
  }

  /**
   * Checks the file as {@link #read} does (every header field against the log, the structure, the
   * checksum) without opening the float rows it locates in the data files: a damaged data file is
   * the data file's problem, reported when that file is checked.
   */
  public static void check(FileIO io, IndexPartition entry, IndexBuild build, Metric metric, int dimensions) {
    read(io, entry, build, metric, dimensions, false);
  }

  /** The partition, or null when {@code openRows} is false and its rows are in the data files. */
  private static PartitionIndex read(
      FileIO io, IndexPartition entry, IndexBuild build, Metric metric, int dimensions, boolean openRows) {
    String location = io.location(entry.path());
    long length;
    try {
      length = io.length(entry.path());
    } catch (FileNotFoundException e) {
      throw Errors.corrupt(location, "index file is missing", e);
    } catch (IOException e) {
      throw Errors.cannotRead(location, e);
    }
    if (length != entry.sizeBytes()) {
      throw Errors.corrupt(location, "index file is " + length + " bytes, the log says " + entry.sizeBytes(), null);
    }
    CRC32 crc = new CRC32();
    try (InputStream raw = io.newInputFile(entry.path()).newStream();
        CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, CHUNK), crc);
        DataInputStream in = new DataInputStream(checked)) {
      Reader r = new Reader(in, length);
      byte[] magic = r.bytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException("not an EmbeddingHub index file (bad magic)");
      }
      int version = in.readInt();
      if (version < OLDEST_READ || version > FORMAT_VERSION) {
        throw new IOException("index format version " + version + " is not supported (this library reads "
            + OLDEST_READ + " to " + FORMAT_VERSION + ")");
      }
      String builder = (r.string() + " " + r.string()).trim();
      expect("metric", r.string(), metric.id());
      expect("dimensions", in.readInt(), dimensions);
      int rows = in.readInt();
      expect("rows", (long) rows, entry.rows());
      int m = in.readInt();
      int efConstruction = in.readInt();
      int maxLevel = r.count(in.readInt(), 1);
      int entryPoint = in.readInt();
      int centroidLength = in.readInt();
      if (centroidLength != (entry.hasCentroid() ? dimensions : 0)) {
        throw new IOException("header centroid length is " + centroidLength + ", the log says "
            + (entry.hasCentroid() ? dimensions : 0));
      }
      float[] centroid = centroidLength == 0 ? null : r.floats(centroidLength);
      if (centroid != null && !Arrays.equals(centroid, entry.centroid())) {
        throw new IOException("header centroid differs from the log's");
      }
      int fileCount = r.count(in.readInt(), 4);
      List<String> files = new ArrayList<>(fileCount);
      for (int i = 0; i < fileCount; i++) {
        files.add(r.string());
      }
      expect("data file count", files.size(), entry.dataFiles());
      Set<String> covered = new HashSet<>(build.dataFiles());
      for (String f : files) {
        if (!covered.contains(f)) {
          throw new IOException("lists data file " + f + ", which its build " + build.id() + " does not cover");
        }
      }
      int[] rowFile = r.ints(rows);
      int[] rowPosition = r.ints(rows);
      int[] keyOffsets = r.ints(rows + 1);
      byte[] keyBytes = r.bytes(r.count(keyOffsets[rows], 1));
      int[] offsets0 = r.ints(rows + 1);
      int[] neighbors0 = r.ints(r.count(offsets0[rows], 4));
      int[][] levelNodes = new int[maxLevel][];
      int[][] levelOffsets = new int[maxLevel][];
      int[][] levelNeighbors = new int[maxLevel][];
      for (int l = 0; l < maxLevel; l++) {
        int count = r.count(in.readInt(), 4);
        levelNodes[l] = r.ints(count);
        levelOffsets[l] = r.ints(count + 1);
        levelNeighbors[l] = r.ints(r.count(levelOffsets[l][count], 4));
      }
      // the graph is checked, and what holds the float rows opened, once the checksum has passed
      float[] inlineRows = null;
      ScalarQuantizer quantizer = null;
      byte[] codes = null;
      long[] fileOffsets = null;
      double[] scales = null;
      if (version == 2) {
        inlineRows = r.floats(r.count((long) rows * dimensions, 4));
      } else {
        float lower = in.readFloat();
        float step = in.readFloat();
        int maxCode = version == ONE_BYTE_CODES_VERSION ? ScalarQuantizer.MAX_CODE : in.readInt();
        if (maxCode != ScalarQuantizer.MAX_CODE && maxCode != ScalarQuantizer.MAX_NIBBLE) {
          throw new IOException("largest code " + maxCode + " is neither " + ScalarQuantizer.MAX_CODE + " nor "
              + ScalarQuantizer.MAX_NIBBLE);
        }
        quantizer = ScalarQuantizer.of(lower, step, maxCode);
        long rowBytes = maxCode == ScalarQuantizer.MAX_NIBBLE ? NibbleCodes.rowBytes(dimensions) : dimensions;
        codes = r.bytes(r.count(rows * rowBytes, 1));
        int source = in.readByte();
        if (source == ROWS_INLINE) {
          inlineRows = r.floats(r.count((long) rows * dimensions, 4));
        } else if (source == ROWS_IN_DATA_FILES) {
          fileOffsets = r.longs(rows);
          scales = metric == Metric.COSINE ? r.doubles(rows) : null;
        } else {
          throw new IOException("unknown float row source " + source);
        }
      }
      int samples = r.count(in.readInt(), 4);
      expect("recall sample K", in.readInt(), RecallSample.K);
      RecallSample sample = new RecallSample(r.ints(samples), r.ints(r.count((long) samples * RecallSample.K, 4)));
      long computed = crc.getValue();
      long stored = in.readLong();
      if (stored != computed) {
        throw new IOException("checksum mismatch (stored " + Long.toHexString(stored) + ", computed "
            + Long.toHexString(computed) + ")");
      }
      if (!Arrays.equals(r.bytes(END.length), END) || in.read() != -1) {
        throw new IOException("bad end marker or trailing bytes");
      }
      HnswGraph graph = // checks the graph's structure
          new HnswGraph(rows, entryPoint, offsets0, neighbors0, levelNodes, levelOffsets, levelNeighbors);
      if (fileOffsets != null && !openRows) {
        return null;
      }
      FlatHnswIndex index;
      if (codes == null) { // format 2: codes derived from the rows
        index = new FlatHnswIndex(graph, inlineRows, dimensions, metric);
      } else {
        FloatRows floats = inlineRows != null ? new HeapFloatRows(inlineRows, dimensions)
            : DataFileRows.open(io, files, rowFile, rowPosition, fileOffsets, scales, dimensions);
        checkCodes(floats, quantizer, codes, files, rowFile);
        index = new FlatHnswIndex(graph, floats, metric, quantizer, codes);
      }
      return new PartitionIndex(
          index, metric, dimensions, m, efConstruction,
          builder, files, rowFile, rowPosition, keyOffsets, keyBytes, centroid, sample);
    } catch (EOFException e) {
      throw Errors.corrupt(location, "index file is truncated", e);
    } catch (IOException | RuntimeException e) {
      if (StorageIOException.isCauseOf(e)) { // the file system failed, not the file
        throw Errors.cannotRead(location, e);
      }
      throw Errors.corrupt(location, String.valueOf(e.getMessage()), e);
    }
  }

  /**
   * Checks that the float rows of a few nodes spread over the partition encode to the codes stored
   * for them: rows read from data files must be the rows the index was built from.
   */
  private static void checkCodes(
      FloatRows floats, ScalarQuantizer quantizer, byte[] codes, List<String> files, int[] rowFile)
      throws IOException {
    int rows = floats.rows();
    int dimensions = floats.dimensions();
    float[] row = new float[dimensions];
    byte[] encoded = new byte[dimensions];
    boolean nibbles = quantizer.maxCode() == ScalarQuantizer.MAX_NIBBLE;
    int rowBytes = nibbles ? NibbleCodes.rowBytes(dimensions) : dimensions;
    for (int i = 0, checks = Math.min(CHECKED_ROWS, rows); i < checks; i++) {
      int node = (int) ((long) i * rows / checks);
      floats.copy(node, row);
      quantizer.encode(row, encoded);
      byte[] stored = nibbles ? NibbleCodes.pack(encoded, dimensions) : encoded;
      if (!Arrays.equals(stored, 0, rowBytes, codes, node * rowBytes, (node + 1) * rowBytes)) {
        throw new IOException("the floats of row " + node + " in data file " + files.get(rowFile[node])
            + " do not match the row's codes: the data file differs from the one indexed");
      }
    }
  }

  private static void expect(String field, Object actual, Object expected) throws IOException {
    if (!actual.equals(expected)) {
      throw new IOException("header " + field + " is " + actual + ", the log says " + expected);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static void writeInts(DataOutputStream out, int[] values) throws IOException {
    writeInts(out, values, values.length);
  }

  /** The first {@code count} of {@code values}. */
  private static void writeInts(DataOutputStream out, int[] values, int count) throws IOException {
    writeChunked(out, count, Integer.BYTES, (buf, from, n) -> buf.asIntBuffer().put(values, from, n));
  }

  private static void writeLongs(DataOutputStream out, long[] values) throws IOException {
    writeChunked(out, values.length, Long.BYTES, (buf, from, n) -> buf.asLongBuffer().put(values, from, n));
  }

  private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
    writeChunked(out, values.length, Double.BYTES, (buf, from, n) -> buf.asDoubleBuffer().put(values, from, n));
  }

  private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    writeChunked(out, values.length, Float.BYTES, (buf, from, n) -> buf.asFloatBuffer().put(values, from, n));
  }

  /** Moves values {@code [from, from + n)} of an array between it and a big-endian buffer. */
  private interface ChunkCopy {
    void copy(ByteBuffer buffer, int from, int n);
  }

  /** Writes {@code count} values of {@code bytesEach} bytes, a chunk of them at a time. */
  private static void writeChunked(DataOutputStream out, int count, int bytesEach, ChunkCopy put)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    for (int i = 0; i < count; ) {
      int n = Math.min(count - i, CHUNK / bytesEach);
      buf.clear();
      put.copy(buf, i, n);
      out.write(buf.array(), 0, bytesEach * n);
      i += n;
    }
  }

  /** Bulk reads whose sizes are checked against the file's length before anything is allocated. */
  private static final class Reader {
    private final DataInputStream in;
    private final long fileLength;
    private final byte[] chunk = new byte[CHUNK];

    Reader(DataInputStream in, long fileLength) {
      this.in = in;
      this.fileLength = fileLength;
    }

    /** {@code n} as a count of items of {@code bytesEach} bytes that can fit in the file. */
    int count(long n, int bytesEach) throws IOException {
      if (n < 0 || n * bytesEach > fileLength) {
        throw new IOException("a count of " + n + " does not fit in a file of " + fileLength + " bytes");
      }
      return (int) n;
    }

    String string() throws IOException {
      return new String(bytes(count(in.readInt(), 1)), StandardCharsets.UTF_8);
    }

    byte[] bytes(int n) throws IOException {
      byte[] out = new byte[count(n, 1)];
      in.readFully(out);
      return out;
    }

    int[] ints(int n) throws IOException {
      int[] out = new int[count(n, Integer.BYTES)];
      readChunked(n, Integer.BYTES, (buf, from, k) -> buf.asIntBuffer().get(out, from, k));
      return out;
    }

    long[] longs(int n) throws IOException {
      long[] out = new long[count(n, Long.BYTES)];
      readChunked(n, Long.BYTES, (buf, from, k) -> buf.asLongBuffer().get(out, from, k));
      return out;
    }

    double[] doubles(int n) throws IOException {
      double[] out = new double[count(n, Double.BYTES)];
      readChunked(n, Double.BYTES, (buf, from, k) -> buf.asDoubleBuffer().get(out, from, k));
      return out;
    }

    float[] floats(int n) throws IOException {
      float[] out = new float[count(n, Float.BYTES)];
      readChunked(n, Float.BYTES, (buf, from, k) -> buf.asFloatBuffer().get(out, from, k));
      return out;
    }

    /** Reads {@code n} values of {@code bytesEach} bytes, a chunk of them at a time. */
    private void readChunked(int n, int bytesEach, ChunkCopy get) throws IOException {
      for (int i = 0; i < n; ) {
        int take = Math.min(n - i, CHUNK / bytesEach);
        in.readFully(chunk, 0, bytesEach * take);
        get.copy(ByteBuffer.wrap(chunk, 0, bytesEach * take), i, take);
        i += take;
      }
    }
  }
}

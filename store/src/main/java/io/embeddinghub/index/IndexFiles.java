package io.embeddinghub.index;

import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The index file layout, version {@value #FORMAT_VERSION} (big-endian):
 *
 * <pre>
 *   8 bytes  magic "EHUBIDX\0"
 *   int      format version
 *   UTF      backend name ("hnswlib-core"), UTF backend version ("1.2.1")
 *   UTF      metric id, int dimensions, int rows
 *   int      M, int efConstruction
 *   long     payload length, long payload CRC-32
 *   payload  the backend's graph (for hnswlib-core: its serialized graph, row ids only)
 * </pre>
 *
 * Reading checks every header field against what the log says of the data file, and the
 * checksum, before the payload is deserialized; any mismatch is a corrupt-file error naming it.
 */
public final class IndexFiles {
  public static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "EHUBIDX\0".getBytes(StandardCharsets.US_ASCII);

  private IndexFiles() {}

  /** Writes {@code index} to a new file at {@code path}; returns its length. */
  public static long write(FileIO io, String path, HnswVectorIndex index, Metric metric, int dimensions)
      throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    index.writeGraph(payload);
    byte[] graph = payload.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(graph);
    IndexParams params = index.params();
    try (OutputStream raw = io.newOutputFile(path).create(0);
        DataOutputStream out = new DataOutputStream(raw)) {
      out.write(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeUTF(HnswVectorIndex.BACKEND);
      out.writeUTF(HnswVectorIndex.BACKEND_VERSION);
      out.writeUTF(metric.id());
      out.writeInt(dimensions);
      out.writeInt(index.rows());
      out.writeInt(params.m());
      out.writeInt(params.efConstruction());
      out.writeLong(graph.length);
      out.writeLong(crc.getValue());
      out.write(graph);
    }
    return io.length(path);
  }

  /**
   * Reads the index at {@code path} for a data file of {@code rows} rows.
   *
   * @param preparedRows the data file's rows, prepared for the metric ({@link IndexedRows})
   */
  public static VectorIndex read(
      FileIO io, String path, Metric metric, int dimensions, int rows, float[] preparedRows) {
    String location = io.location(path);
    byte[] bytes;
    try {
      bytes = io.read(path);
    } catch (FileNotFoundException e) {
      throw Errors.corrupt(location, "index file is missing", e);
    } catch (IOException e) {
      throw Errors.corrupt(location, "index file is unreadable (" + e + ")", e);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException("not an EmbeddingHub index file (bad magic)");
      }
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IOException("index format version " + version + " is not supported (expected " + FORMAT_VERSION + ")");
      }
      String backend = in.readUTF();
      String backendVersion = in.readUTF();
      if (!backend.equals(HnswVectorIndex.BACKEND)) {
        throw new IOException("unknown index backend '" + backend + "' " + backendVersion);
      }
      expect("metric", in.readUTF(), metric.id());
      expect("dimensions", in.readInt(), dimensions);
      expect("rows", in.readInt(), rows);
      in.readInt(); // M
      in.readInt(); // efConstruction
      long length = in.readLong();
      long checksum = in.readLong();
      if (length != in.available()) {
        throw new IOException("payload is " + in.available() + " bytes, header says " + length);
      }
      byte[] graph = in.readNBytes((int) length);
      CRC32 crc = new CRC32();
      crc.update(graph);
      if (crc.getValue() != checksum) {
        throw new IOException("payload checksum mismatch");
      }
      return HnswVectorIndex.readGraph(new ByteArrayInputStream(graph), preparedRows, dimensions, length + 1024);
    } catch (IOException | RuntimeException e) {
      throw Errors.corrupt(location, e.getMessage(), e);
    }
  }

  private static void expect(String field, Object actual, Object expected) throws IOException {
    if (!actual.equals(expected)) {
      throw new IOException("header " + field + " is " + actual + ", expected " + expected);
    }
  }
}

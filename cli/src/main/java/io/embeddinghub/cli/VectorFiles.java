package io.embeddinghub.cli;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streaming readers of vector files: each yields entries one at a time, so a file of any size
 * imports in bounded memory. Formats: CSV ({@code key,f1,f2,...}), {@code .fvecs} (per row: int32
 * little-endian dimension, then that many float32), NumPy {@code .npy} (2-D little-endian float32,
 * C order). fvecs and npy rows are keyed by row number (0, 1, ...) or by the lines of a keys file.
 */
final class VectorFiles {
  private VectorFiles() {}

  /** An open file of entries; {@link #close()} releases it. */
  interface Source extends Iterator<Map.Entry<String, float[]>>, AutoCloseable {
    @Override
    void close() throws IOException;

    /** Rows the file holds, or -1 when only reading it tells (CSV). */
    default long expectedRows() {
      return -1;
    }
  }

  static Source open(Path file, Path keysFile) throws IOException {
    String name = file.getFileName().toString().toLowerCase();
    if (!Files.isRegularFile(file)) {
      throw new UserException("no such file: " + file);
    }
    Iterator<String> keys = keysFile == null ? null : lines(keysFile);
    if (name.endsWith(".csv")) {
      if (keysFile != null) {
        throw new UserException("--keys applies to .npy and .fvecs files; a CSV file's first column is its key");
      }
      return csv(file);
    }
    if (name.endsWith(".fvecs")) {
      return fvecs(file, keys);
    }
    if (name.endsWith(".npy")) {
      return npy(file, keys);
    }
    if (name.endsWith(".parquet")) {
      if (keysFile != null) {
        throw new UserException("--keys applies to .npy and .fvecs files; a Parquet file has a 'key' column");
      }
      return ParquetVectors.open(file);
    }
    throw new UserException("unsupported file type (expected .csv, .parquet, .npy or .fvecs): " + file);
  }

  private static Iterator<String> lines(Path keysFile) throws IOException {
    try {
      return Files.newBufferedReader(keysFile, StandardCharsets.UTF_8).lines().iterator();
    } catch (NoSuchFileException e) {
      throw new UserException("no such keys file: " + keysFile);
    }
  }

  private static Source csv(Path file) throws IOException {
    BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    return new Base(reader) {
      long line;
      boolean first = true;

      @Override
      Map.Entry<String, float[]> read() throws IOException {
        String text;
        do {
          text = reader.readLine();
          line++;
          if (text == null) {
            return null;
          }
        } while (text.isBlank());
        int comma = text.indexOf(',');
        if (comma < 0) {
          throw new UserException(file + " line " + line + ": expected " + CSV_FORMAT + " got '" + text + "'");
        }
        String key = text.substring(0, comma);
        String values = text.substring(comma + 1);
        if (first) {
          first = false;
          rejectHeader(file, line, values);
        }
        return entry(key, Vectors.parse(values, file + " line " + line));
      }
    };
  }

  /** A CSV line: the key, then the vector's values; there is no header row. */
  static final String CSV_FORMAT = "key,f1,f2,... (a key, then the vector's floats)";

  /** The first row of a CSV file whose values are not all numbers is taken for a header row. */
  private static void rejectHeader(Path file, long line, String values) {
    String[] parts = values.split(",", -1);
    for (int i = 0; i < parts.length && !parts[i].isBlank(); i++) {
      try {
        Float.parseFloat(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new UserException(file + " line " + line + ", value " + (i + 1) + ": '" + parts[i]
            + "' is not a number; the first line looks like a header row, but the CSV format has no header row:"
            + " every line is " + CSV_FORMAT + "; remove the header line");
      }
    }
  }

  private static Source fvecs(Path file, Iterator<String> keys) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    return new Base(in) {
      long row;

      @Override
      Map.Entry<String, float[]> read() throws IOException {
        byte[] header = new byte[4];
        int n = in.readNBytes(header, 0, 4);
        if (n == 0) {
          return null;
        }
        if (n < 4) {
          throw new UserException(file + ": truncated at row " + row);
        }
        int dims = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (dims <= 0 || dims > 1 << 20) {
          throw new UserException(file + " row " + row + ": bad dimension " + dims + " (is this an .fvecs file?)");
        }
        float[] v = readFloats(in, dims, file, row);
        return entry(key(keys, row++, file), v);
      }
    };
  }

  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+),?\\s*\\)");

  private static Source npy(Path file, Iterator<String> keys) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    byte[] magic = in.readNBytes(8);
    if (magic.length < 8 || (magic[0] & 0xff) != 0x93 || !new String(magic, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
      in.close();
      throw new UserException(file + ": not a NumPy .npy file (bad magic)");
    }
    int major = magic[6];
    byte[] len = in.readNBytes(major == 1 ? 2 : 4);
    ByteBuffer lb = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen = major == 1 ? Short.toUnsignedInt(lb.getShort()) : lb.getInt();
    String header = new String(in.readNBytes(headerLen), StandardCharsets.ISO_8859_1);
    Matcher shape = SHAPE.matcher(header);
    if (!header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False") || !shape.find()) {
      in.close();
      throw new UserException(file + ": expected a 2-D little-endian float32 array in C order, header is " + header.trim());
    }
    long rows = Long.parseLong(shape.group(1));
    int dims = Integer.parseInt(shape.group(2));
    return new Base(in) {
      long row;

      @Override
      public long expectedRows() {
        return rows;
      }

      @Override
      Map.Entry<String, float[]> read() throws IOException {
        if (row == rows) {
          return null;
        }
        float[] v = readFloats(in, dims, file, row);
        return entry(key(keys, row++, file), v);
      }
    };
  }

  private static float[] readFloats(DataInputStream in, int dims, Path file, long row) throws IOException {
    byte[] bytes = new byte[dims * 4];
    try {
      in.readFully(bytes);
    } catch (EOFException e) {
      throw new UserException(file + ": truncated at row " + row);
    }
    float[] v = new float[dims];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  private static String key(Iterator<String> keys, long row, Path file) {
    if (keys == null) {
      return Long.toString(row);
    }
    if (!keys.hasNext()) {
      throw new UserException("keys file has fewer lines than " + file + " has rows (" + row + ")");
    }
    return keys.next();
  }

  private static Map.Entry<String, float[]> entry(String key, float[] v) {
    return new AbstractMap.SimpleImmutableEntry<>(key, v);
  }

  /** Reads one entry ahead. */
  private abstract static class Base implements Source {
    private final AutoCloseable resource;
    private Map.Entry<String, float[]> next;
    private boolean done;

    Base(AutoCloseable resource) {
      this.resource = resource;
    }

    /** The next entry, or null at the end. */
    abstract Map.Entry<String, float[]> read() throws IOException;

    @Override
    public boolean hasNext() {
      if (next == null && !done) {
        try {
          next = read();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        done = next == null;
      }
      return next != null;
    }

    @Override
    public Map.Entry<String, float[]> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Map.Entry<String, float[]> e = next;
      next = null;
      return e;
    }

    @Override
    public void close() throws IOException {
      try {
        resource.close();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
  }

}

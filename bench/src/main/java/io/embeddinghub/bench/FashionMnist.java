package io.embeddinghub.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reads the IDX image files of Fashion-MNIST (Debian package dataset-fashion-mnist) as floats. */
final class FashionMnist {
  private FashionMnist() {}

  /** Row-major float vectors (pixel values 0..255), at most {@code limit} of them. */
  static float[][] read(Path idx, int limit) throws IOException {
    try (InputStream raw = Files.newInputStream(idx);
        DataInputStream in =
            new DataInputStream(new java.io.BufferedInputStream(idx.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw))) {
      int magic = in.readInt();
      if (magic != 0x00000803) {
        throw new IOException(idx + " is not an IDX image file (magic " + Integer.toHexString(magic) + ")");
      }
      int count = Math.min(in.readInt(), limit);
      int rows = in.readInt();
      int cols = in.readInt();
      float[][] vectors = new float[count][rows * cols];
      byte[] pixels = new byte[rows * cols];
      for (int i = 0; i < count; i++) {
        in.readFully(pixels);
        for (int p = 0; p < pixels.length; p++) {
          vectors[i][p] = pixels[p] & 0xFF;
        }
      }
      return vectors;
    }
  }

  /** Writes vectors as little-endian float32 with an int32 count and dims header (for numpy). */
  static void writeF32(Path file, float[][] vectors) throws IOException {
    java.nio.ByteBuffer buf =
        java.nio.ByteBuffer.allocate(8 + vectors.length * vectors[0].length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    buf.putInt(vectors.length).putInt(vectors[0].length);
    for (float[] v : vectors) {
      for (float f : v) {
        buf.putFloat(f);
      }
    }
    Files.write(file, buf.array());
  }
}

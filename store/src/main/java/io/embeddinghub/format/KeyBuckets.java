package io.embeddinghub.format;

import java.nio.charset.StandardCharsets;

/**
 * {@code bucket = floorMod(murmur3_x86_32(utf8(key), seed 0), buckets)}: the stable assignment of
 * keys to buckets, fixed by the on-disk format. Every writer (embedded or Spark) must use this.
 */
public final class KeyBuckets {
  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private KeyBuckets() {}

  public static int bucketOf(String key, int buckets) {
    return Math.floorMod(murmur3(key.getBytes(StandardCharsets.UTF_8), 0), buckets);
  }

  /** MurmurHash3 x86 32-bit. */
  @SuppressWarnings("fallthrough") // the tail bytes accumulate, as in the reference
  static int murmur3(byte[] data, int seed) {
    int h = seed;
    int blocks = data.length / 4;
    for (int i = 0; i < blocks; i++) {
      int k =
          (data[4 * i] & 0xff)
              | (data[4 * i + 1] & 0xff) << 8
              | (data[4 * i + 2] & 0xff) << 16
              | (data[4 * i + 3] & 0xff) << 24;
      h ^= mixK(k);
      h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
    }
    int tail = blocks * 4;
    int k = 0;
    switch (data.length & 3) {
      case 3:
        k ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        k ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        k ^= data[tail] & 0xff;
        h ^= mixK(k);
        break;
      default:
        break;
    }
    h ^= data.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  private static int mixK(int k) {
    k *= C1;
    k = Integer.rotateLeft(k, 15);
    return k * C2;
  }
}

package io.embeddinghub.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The concurrency soak's operations, each regenerated from (seed, writer, operation number): a
 * write sets 1-4 of the writer's own keys, sometimes 1-2 keys all writers share, and a marker key
 * unique to the operation (so a reader or the checker can tell whether, and at which version, the
 * operation landed); a delete removes 1-3 of the writer's own keys; writers 0 and 1 also run
 * optimize and buildIndex now and then. Writers from {@link #FIRST_APPEND_WRITER} on only write
 * (their operations are Spark appends, which cannot delete). Every value encodes (writer, operation
 * number).
 */
public final class SoakOps {
  public static final String SPACE = "soak";
  public static final int DIMS = 4;
  public static final int OWN_KEYS = 40;
  public static final int SHARED_KEYS = 8;
  /** Writers numbered from here on run writes only. */
  public static final int FIRST_APPEND_WRITER = 10;

  public enum Type { WRITE, DELETE, OPTIMIZE, BUILD_INDEX }

  public record Op(int writer, int number, Type type, Map<String, float[]> writes, List<String> deletes) {}

  private SoakOps() {}

  public static Op op(long seed, int writer, int number) {
    if (writer == 0 && number % 15 == 14) {
      return new Op(writer, number, Type.OPTIMIZE, Map.of(), List.of());
    }
    if (writer == 1 && number % 20 == 9) {
      return new Op(writer, number, Type.BUILD_INDEX, Map.of(), List.of());
    }
    Random r = new Random(new java.util.SplittableRandom(seed * 1_000_003L + writer * 10_007L + number).nextLong());
    if (r.nextInt(100) < 20 && writer < FIRST_APPEND_WRITER) {
      List<String> deletes = new ArrayList<>();
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        String k = ownKey(writer, r.nextInt(OWN_KEYS));
        if (!deletes.contains(k)) {
          deletes.add(k);
        }
      }
      return new Op(writer, number, Type.DELETE, Map.of(), deletes);
    }
    Map<String, float[]> writes = new LinkedHashMap<>();
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      int k = r.nextInt(OWN_KEYS);
      writes.put(ownKey(writer, k), value(writer, number, k));
    }
    if (r.nextBoolean()) {
      int shared = 1 + r.nextInt(2);
      for (int i = 0; i < shared; i++) {
        int s = r.nextInt(SHARED_KEYS);
        writes.put(sharedKey(s), value(writer, number, 1000 + s));
      }
    }
    writes.put(marker(writer, number), value(writer, number, -1));
    return new Op(writer, number, Type.WRITE, writes, List.of());
  }

  public static String ownKey(int writer, int k) {
    return "w" + writer + "-" + k;
  }

  public static String sharedKey(int s) {
    return "shared-" + s;
  }

  public static String marker(int writer, int number) {
    return "m-" + writer + "-" + number;
  }

  public static boolean isMarker(String key) {
    return key.startsWith("m-");
  }

  public static boolean isShared(String key) {
    return key.startsWith("shared-");
  }

  public static float[] value(int writer, int number, int k) {
    return new float[] {writer, number, k, (writer * 31 + number * 7 + k) % 13 / 13f};
  }

  /** The (writer, operation number) a stored value was written by. */
  public static long opOf(float[] value) {
    return id((int) value[0], (int) value[1]);
  }

  public static long id(int writer, int number) {
    return ((long) writer << 32) | number;
  }

  public static String name(long id) {
    return "writer " + (id >>> 32) + " op " + (int) id;
  }
}

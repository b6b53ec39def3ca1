package io.embeddinghub.reliability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The operations of the kill suite's writer, each regenerated from (seed, operation id) alone:
 * the writer and the checker derive the same type, keys and values, so the ack file need only
 * name the operation.
 */
final class KillOps {
  static final String SPACE = "killed";
  static final int DIMS = 8;
  static final int BUCKETS = 4;
  static final int TARGET_FILE_ROWS = 60;
  static final int KEY_UNIVERSE = 700;

  enum Type { SET, MULTISET, BULK, DELETE, MULTIDELETE, OPTIMIZE, BUILD_INDEX, VACUUM }

  /** One operation: its type, the keys it writes (with values) or deletes. */
  record Op(long id, Type type, Map<String, float[]> writes, List<String> deletes, long vacuumRetentionMs) {
    boolean changesData() {
      return !writes.isEmpty() || !deletes.isEmpty();
    }

    String describe() {
      return id + " " + type + " writes=" + writes.size() + " deletes=" + deletes.size();
    }
  }

  private KillOps() {}

  static Op op(long seed, long id) {
    Random r = new Random(new SplittableRandom(seed * 1_000_003L + id).nextLong()); // sequential seeds of Random correlate
    int pick = r.nextInt(100);
    Type type;
    if (pick < 20) {
      type = Type.SET;
    } else if (pick < 40) {
      type = Type.MULTISET;
    } else if (pick < 54) {
      type = Type.BULK;
    } else if (pick < 64) {
      type = Type.DELETE;
    } else if (pick < 78) {
      type = Type.MULTIDELETE;
    } else if (pick < 87) {
      type = Type.OPTIMIZE;
    } else if (pick < 95) {
      type = Type.BUILD_INDEX;
    } else {
      type = Type.VACUUM;
    }
    Map<String, float[]> writes = new LinkedHashMap<>();
    List<String> deletes = new ArrayList<>();
    long retention = 0;
    switch (type) {
      case SET -> {
        int k = r.nextInt(KEY_UNIVERSE);
        writes.put(key(k), value(seed, id, k));
      }
      case MULTISET, BULK -> {
        int n = type == Type.MULTISET ? 2 + r.nextInt(30) : 150 + r.nextInt(450);
        int start = r.nextInt(KEY_UNIVERSE);
        int stride = 1 + r.nextInt(3);
        for (int i = 0; i < n && writes.size() < KEY_UNIVERSE; i++) {
          int k = Math.floorMod(start + i * stride, KEY_UNIVERSE);
          writes.putIfAbsent(key(k), value(seed, id, k));
        }
      }
      case DELETE -> deletes.add(key(r.nextInt(KEY_UNIVERSE)));
      case MULTIDELETE -> {
        int n = 2 + r.nextInt(60);
        int start = r.nextInt(KEY_UNIVERSE);
        for (int i = 0; i < n; i++) {
          String k = key(Math.floorMod(start + i, KEY_UNIVERSE));
          if (!deletes.contains(k)) {
            deletes.add(k);
          }
        }
      }
      case VACUUM -> retention = r.nextBoolean() ? 0 : 1 + r.nextInt(1500);
      default -> { }
    }
    return new Op(id, type, writes, deletes, retention);
  }

  static String key(int k) {
    return String.format("k%04d", k);
  }

  /** The value operation {@code id} writes to key number {@code k}: unique per (id, k). */
  static float[] value(long seed, long id, int k) {
    SplittableRandom r = new SplittableRandom(seed * 7_919L + id * 104_729L + k);
    float[] v = new float[DIMS];
    for (int i = 0; i < DIMS; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    return v;
  }
}

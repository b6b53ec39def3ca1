package io.embeddinghub.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one implementation of the key reads of every space — stored ({@code StateReader}) or in
 * memory ({@code LocalSpace}) — over a lookup of one key: the argument checks, the order of the
 * answer and the missing-key policy.
 */
public final class KeyReads {
  private KeyReads() {}

  /** Checks {@code keys} and every key in it before any key is looked up. */
  public static void checkKeys(List<String> keys) {
    Errors.checkNotNull(keys, "keys");
    keys.forEach(Errors::checkKey);
  }

  /**
   * The embeddings of {@code keys} in order (a key asked twice is answered twice); when keys are
   * missing, a {@link io.embeddinghub.KeyNotFoundException} naming them all.
   *
   * @param lookup a key's embedding, a copy the caller may keep, or null when it is absent
   */
  public static List<float[]> multiget(String space, List<String> keys, Function<String, float[]> lookup) {
    checkKeys(keys);
    List<float[]> result = new ArrayList<>(keys.size());
    List<String> missing = new ArrayList<>();
    for (String key : keys) {
      float[] vector = lookup.apply(key);
      if (vector == null) {
        missing.add(key);
      } else {
        result.add(vector);
      }
    }
    if (!missing.isEmpty()) {
      throw Errors.keysNotFound(space, missing);
    }
    return result;
  }

  /**
   * The embeddings of the present keys of {@code keys}, in their order.
   *
   * @param lookup a key's embedding, a copy the caller may keep, or null when it is absent
   */
  public static Map<String, float[]> findAll(List<String> keys, Function<String, float[]> lookup) {
    checkKeys(keys);
    Map<String, float[]> found = new LinkedHashMap<>();
    for (String key : keys) {
      float[] vector = lookup.apply(key);
      if (vector != null) {
        found.put(key, vector);
      }
    }
    return found;
  }
}

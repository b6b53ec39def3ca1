package io.embeddinghub.engine;

import io.embeddinghub.format.KeyBuckets;
import io.embeddinghub.log.KeyOrder;

/** The store's order of keys and its key-to-bucket function, for engines that plan by key. */
public final class EngineKeys {
  private EngineKeys() {}

  /**
   * Compares keys in the order data files are sorted in.
   *
   * @param a a key
   * @param b another key
   * @return negative, zero or positive as {@code a} sorts before, with or after {@code b}
   */
  public static int compare(String a, String b) {
    return KeyOrder.compare(a, b);
  }

  /**
   * The bucket a key belongs to.
   *
   * @param key the key
   * @param buckets the space's bucket count
   * @return the bucket, in {@code [0, buckets)}
   */
  public static int bucketOf(String key, int buckets) {
    return KeyBuckets.bucketOf(key, buckets);
  }
}

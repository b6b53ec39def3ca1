package io.embeddinghub.log;

import java.util.Comparator;

/**
 * The order keys are sorted in inside data files: Unicode code point order, which equals the
 * byte order of their UTF-8 encoding, the order Parquet statistics and Spark's strings use.
 * ({@link String#compareTo} differs from it for characters above U+FFFF vs. U+E000–U+FFFF.)
 */
public final class KeyOrder {
  public static final Comparator<String> COMPARATOR = KeyOrder::compare;

  private KeyOrder() {}

  public static int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        if (ca >= Character.MIN_SURROGATE && cb >= Character.MIN_SURROGATE) {
          return codePointRank(ca) - codePointRank(cb);
        }
        return ca - cb;
      }
    }
    return a.length() - b.length();
  }

  /** Surrogates (which encode code points above U+FFFF) rank after U+E000–U+FFFF. */
  private static int codePointRank(char c) {
    return c >= 0xE000 ? c - 0x800 : c + 0x2000;
  }
}
